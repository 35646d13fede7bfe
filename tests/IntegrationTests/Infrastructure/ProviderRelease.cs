using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace OrleansRegistry.IntegrationTests.Infrastructure;

/// <summary>
/// A provider release directory as a release pipeline makes it: platform zips, SHA256SUMS, and a detached
/// binary signature made by GnuPG (an independent OpenPGP implementation) with its own keyring.
/// </summary>
public sealed class ProviderRelease
{
    private ProviderRelease(string directory) => Directory = directory;

    public string Directory { get; }
    public List<string> Files { get; } = [];

    public static byte[] Zip(string type, string version, string content = "#!/bin/sh\necho provider\n")
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            var entry = zip.CreateEntry($"terraform-provider-{type}_v{version}");
            entry.ExternalAttributes = 0x81ED << 16; // regular file, 0755
            entry.LastWriteTime = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
            using var writer = new StreamWriter(entry.Open());
            writer.Write(content);
        }

        return output.ToArray();
    }

    public static ProviderRelease Create(string type, string version, string[] platforms, GnuPg? signer)
    {
        var release = new ProviderRelease(Path.Combine(Path.GetTempPath(), $"provider-release-{Guid.NewGuid():N}"));
        System.IO.Directory.CreateDirectory(release.Directory);
        var sums = new StringBuilder();
        foreach (var platform in platforms)
        {
            var name = $"terraform-provider-{type}_{version}_{platform}.zip";
            var bytes = Zip(type, version, $"#!/bin/sh\necho {type} {version} {platform}\n");
            File.WriteAllBytes(Path.Combine(release.Directory, name), bytes);
            sums.Append(Convert.ToHexStringLower(SHA256.HashData(bytes))).Append("  ").Append(name).Append('\n');
            release.Files.Add(name);
        }

        if (signer is not null)
        {
            var sumsName = $"terraform-provider-{type}_{version}_SHA256SUMS";
            File.WriteAllText(Path.Combine(release.Directory, sumsName), sums.ToString());
            signer.DetachSign(Path.Combine(release.Directory, sumsName));
            release.Files.Add(sumsName);
            release.Files.Add(sumsName + ".sig");
        }

        return release;
    }

    public byte[] Read(string file) => File.ReadAllBytes(Path.Combine(Directory, file));

    /// <summary>All files in one form, each under the same field name (as `curl -F file=@... -F file=@...`).</summary>
    public MultipartFormDataContent Form(string ns, string type, string version, Func<string, byte[]>? content = null)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(ns), "namespace" },
            { new StringContent(type), "type" },
            { new StringContent(version), "version" },
        };
        foreach (var file in Files)
        {
            form.Add(new ByteArrayContent(content?.Invoke(file) ?? Read(file)), "file", file);
        }

        return form;
    }
}

/// <summary>A throwaway GnuPG home with one RSA signing key.</summary>
public sealed class GnuPg
{
    private readonly string _home;

    public GnuPg()
    {
        _home = Path.Combine(Path.GetTempPath(), $"gnupg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_home);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        Run("--batch", "--passphrase", "", "--quick-gen-key", "Release Pipeline <release@acme.test>", "rsa2048", "sign", "never");
        PublicKeyArmor = Run("--batch", "--armor", "--export");
    }

    public string PublicKeyArmor { get; }

    public void DetachSign(string file) => Run("--batch", "--yes", "--detach-sign", "--output", file + ".sig", file);

    private string Run(params string[] args)
    {
        try
        {
            var (code, output, error) = ChildProcess.Run("gpg", ["--homedir", _home, .. args]);
            return code == 0 ? output : throw new InvalidOperationException($"gpg {string.Join(' ', args)} failed: {error}");
        }
        finally
        {
            // gpg leaves an agent per home directory behind, each holding inotify instances (128 per user).
            ChildProcess.Run("gpgconf", ["--homedir", _home, "--kill", "gpg-agent"]);
        }
    }
}
