using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using OrleansRegistry.Archives;

namespace OrleansRegistry.Terraform;

/// <summary>What a provider zip is: its platform (from the file name) and Terraform's <c>h1:</c> hash of its contents.</summary>
public sealed record ProviderArchiveFacts(string Os, string Arch, string H1);

/// <summary>Provider release files and hashes as Terraform defines them.</summary>
public static class ProviderArchive
{
    // GOOS/GOARCH values Terraform builds providers for.
    private static readonly HashSet<string> KnownOs = ["linux", "darwin", "windows", "freebsd", "openbsd", "netbsd", "solaris"];
    private static readonly HashSet<string> KnownArch = ["amd64", "arm64", "386", "arm", "ppc64le", "s390x", "riscv64", "mips", "mipsle", "mips64", "mips64le"];

    public static bool IsKnownPlatform(string os, string arch) => KnownOs.Contains(os) && KnownArch.Contains(arch);

    public static string ZipName(string type, string version, string os, string arch) => $"terraform-provider-{type}_{version}_{os}_{arch}.zip";

    public static string SumsName(string type, string version) => $"terraform-provider-{type}_{version}_SHA256SUMS";

    /// <summary>Parses <c>terraform-provider-{type}_{version}_{os}_{arch}.zip</c>; returns the problem when it does not fit.</summary>
    public static (string Os, string Arch)? ParseZipName(string fileName, string type, string version, out string? problem)
    {
        var prefix = $"terraform-provider-{type}_{version}_";
        if (!fileName.StartsWith(prefix, StringComparison.Ordinal) || !fileName.EndsWith(".zip", StringComparison.Ordinal))
        {
            problem = $"'{fileName}' is not named {ZipName(type, version, "<os>", "<arch>")}";
            return null;
        }

        var platform = fileName[prefix.Length..^".zip".Length].Split('_');
        if (platform.Length != 2 || !KnownOs.Contains(platform[0]) || !KnownArch.Contains(platform[1]))
        {
            problem = $"'{fileName}' names an unknown platform (os one of {string.Join(", ", KnownOs)}; arch one of {string.Join(", ", KnownArch)})";
            return null;
        }

        problem = null;
        return (platform[0], platform[1]);
    }

    /// <summary>
    /// Validates the zip (entry paths, limits) and computes <c>h1:</c>: for every file sorted by name, the line
    /// "sha256-hex  name\n"; h1 = base64(sha256(all lines)).
    /// </summary>
    public static async Task<string> HashAsync(Stream zip, ArchiveLimits limits, CancellationToken cancellationToken)
    {
        var magic = new byte[4];
        var read = await zip.ReadAtLeastAsync(magic, 4, throwOnEndOfStream: false, cancellationToken);
        zip.Seek(0, SeekOrigin.Begin);
        if (read < 4 || magic[0] != 'P' || magic[1] != 'K')
        {
            throw new InvalidArchiveException("the file is named .zip but is not a zip archive");
        }

        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        long expanded = 0;
        try
        {
            await using var archive = await ZipArchive.CreateAsync(zip, ZipArchiveMode.Read, leaveOpen: true, entryNameEncoding: null, cancellationToken);
            if (archive.Entries.Count > limits.MaxFiles)
            {
                throw new InvalidArchiveException($"the archive has more than {limits.MaxFiles} entries");
            }

            foreach (var entry in archive.Entries)
            {
                var name = ArchivePaths.Normalize(entry.FullName);
                if (entry.FullName.EndsWith('/') || name is null)
                {
                    continue;
                }

                if (((entry.ExternalAttributes >> 16) & 0xF000) == 0xA000)
                {
                    throw new InvalidArchiveException($"'{entry.FullName}' is a symbolic link; provider archives hold plain files");
                }

                expanded += entry.Length;
                if (expanded > limits.MaxExpandedBytes)
                {
                    throw new InvalidArchiveException($"the archive expands to more than {limits.MaxExpandedBytes} bytes");
                }

                await using var content = await entry.OpenAsync(cancellationToken);
                files[entry.FullName] = Convert.ToHexStringLower(await SHA256.HashDataAsync(content, cancellationToken));
            }
        }
        catch (InvalidDataException e)
        {
            throw new InvalidArchiveException($"the zip archive is corrupt: {e.Message}");
        }

        if (files.Count == 0)
        {
            throw new InvalidArchiveException("the zip archive holds no files");
        }

        var lines = new StringBuilder();
        foreach (var (name, hash) in files)
        {
            lines.Append(hash).Append("  ").Append(name).Append('\n');
        }

        return "h1:" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(lines.ToString())));
    }
}

/// <summary>The <c>sha256sum</c>-format checksum file of a provider release.</summary>
public static class Sha256Sums
{
    /// <summary>File name → lower-case hex sha256; throws on malformed lines.</summary>
    public static Dictionary<string, string> Parse(byte[] content)
    {
        var sums = new Dictionary<string, string>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var raw in Encoding.UTF8.GetString(content).Split('\n'))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            // "<64 hex>  <name>" (text mode) or "<64 hex> *<name>" (binary mode).
            if (line.Length < 67 || line[64] != ' ' || (line[65] != ' ' && line[65] != '*') || !line[..64].All(char.IsAsciiHexDigit))
            {
                throw new InvalidArchiveException($"SHA256SUMS line {lineNumber} is not '<sha256>  <file name>'");
            }

            sums[line[66..]] = line[..64].ToLowerInvariant();
        }

        return sums.Count > 0 ? sums : throw new InvalidArchiveException("SHA256SUMS is empty");
    }

    public static byte[] Build(IEnumerable<(string FileName, string Sha256)> files) =>
        Encoding.UTF8.GetBytes(string.Concat(files.OrderBy(f => f.FileName, StringComparer.Ordinal).Select(f => $"{f.Sha256}  {f.FileName}\n")));
}
