using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;

namespace OrleansRegistry.IntegrationTests.Infrastructure;

/// <summary>Runs the real <c>composer</c> against a registry over HTTP, with the token in COMPOSER_AUTH.</summary>
public sealed class ComposerCli(int httpPort)
{
    public ComposerCli(RegistryInstance registry)
        : this(registry.HttpPort)
    {
    }

    private readonly string _home = Directory.CreateTempSubdirectory("composer-home-").FullName;

    public string RepositoryUrl => $"http://127.0.0.1:{httpPort}";

    /// <summary>Composer's cache (COMPOSER_CACHE_DIR): repository metadata under repo/, with the Last-Modified it revalidates with.</summary>
    public string CacheDirectory => Path.Combine(_home, "cache");

    /// <summary>A project that uses only this registry (Packagist off).</summary>
    public string NewProject(object? require = null)
    {
        var dir = Directory.CreateTempSubdirectory("composer-project-").FullName;
        var project = new Dictionary<string, object?>
        {
            ["name"] = "test/project",
            ["repositories"] = new object[] { new { type = "composer", url = RepositoryUrl }, new Dictionary<string, bool> { ["packagist.org"] = false } },
            ["config"] = new Dictionary<string, object> { ["secure-http"] = false },
            ["require"] = require ?? new Dictionary<string, string>(),
        };
        File.WriteAllText(Path.Combine(dir, "composer.json"), JsonSerializer.Serialize(project));
        return dir;
    }

    public async Task<(int ExitCode, string Output)> RunAsync(string project, string? token, params string[] args)
    {
        var start = new ProcessStartInfo("composer", [.. args, "--no-interaction", "--no-progress", "--no-ansi"])
        {
            WorkingDirectory = project,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["COMPOSER_HOME"] = _home;
        start.Environment["COMPOSER_CACHE_DIR"] = CacheDirectory;
        start.Environment["COMPOSER_ALLOW_SUPERUSER"] = "1";
        start.Environment["COMPOSER_DISABLE_NETWORK"] = null;
        start.Environment["COMPOSER_AUTH"] = token is null
            ? "{}"
            : JsonSerializer.Serialize(new { http_basic = new Dictionary<string, object> { [$"127.0.0.1:{httpPort}"] = new { username = "token", password = token } } }).Replace("http_basic", "http-basic", StringComparison.Ordinal);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("composer is not installed (scripts/test.sh installs it)");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>A package zip (composer.json at the root, a class under src/) as `composer archive` would make it.</summary>
    public static byte[] PackageZip(string name, object? require = null, string? version = null, string? prefix = null)
    {
        var manifest = new Dictionary<string, object?>
        {
            ["name"] = name,
            ["description"] = $"The {name} package",
            ["type"] = "library",
            ["license"] = "MIT",
            ["require"] = require ?? new Dictionary<string, string> { ["php"] = ">=7.4" },
            ["autoload"] = new { psr4 = new Dictionary<string, string> { [$"{Pascal(name)}\\"] = "src/" } },
        };
        if (version is not null)
        {
            manifest["version"] = version;
        }

        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Add(string path, string content)
            {
                using var writer = new StreamWriter(zip.CreateEntry((prefix ?? "") + path).Open());
                writer.Write(content);
            }

            Add("composer.json", JsonSerializer.Serialize(manifest).Replace("\"psr4\"", "\"psr-4\"", StringComparison.Ordinal));
            Add("src/Hello.php", $"<?php\nnamespace {Pascal(name)};\nclass Hello {{ public static function version(): string {{ return '{version ?? "uploaded"}'; }} }}\n");
        }

        return output.ToArray();
    }

    private static string Pascal(string name) =>
        string.Join('\\', name.Split('/').Select(p => string.Concat(p.Split('-', '_', '.').Select(w => char.ToUpperInvariant(w[0]) + w[1..]))));
}
