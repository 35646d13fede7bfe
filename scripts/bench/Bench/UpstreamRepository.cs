using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansRegistry.Bench;

/// <summary>
/// A Composer 2 repository as static files, for nginx to serve as the upstream of the registry's lazy
/// composer-repository mirror: <c>packages.json</c> with a <c>metadata-url</c>, one minified p2 file per package (as
/// Packagist writes them: the newest version in full, each older one as its differences) and every version's dist
/// zip, whose sha1 the p2 file lists as its <c>shasum</c> (the mirror checks it on the first download).
/// </summary>
public static class UpstreamRepository
{
    private const int Vendors = 20;
    private const int Versions = 5;
    // A small library's dist: large enough that serving it is more than the request's overhead.
    private const int DistPadding = 16 << 10;

    /// <summary>As many packages as the private Composer catalog, under vendors of their own (<c>up00</c>..).</summary>
    public static IReadOnlyList<string> Packages { get; } = [.. Enumerable.Range(0, Seeder.ComposerPackages).Select(p => $"up{p % Vendors:D2}/lib{p:D4}")];

    /// <summary>Writes the repository under <paramref name="root"/>; its dist URLs start with <paramref name="baseUrl"/>.</summary>
    public static async Task<int> WriteAsync(string root, Uri baseUrl)
    {
        var origin = baseUrl.AbsoluteUri.TrimEnd('/');
        Directory.CreateDirectory(Path.Combine(root, "p2"));
        await File.WriteAllTextAsync(Path.Combine(root, "packages.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["packages"] = Array.Empty<object>(),
            ["metadata-url"] = "/p2/%package%.json",
            ["available-packages"] = Packages,
        }));

        await Parallel.ForEachAsync(Packages, async (package, ct) =>
        {
            var versions = new JsonArray();
            JsonObject? newer = null;
            for (var v = Versions - 1; v >= 0; v--)
            {
                var version = $"1.{v}.0";
                var zip = Artifacts.ComposerZip(package, DistPadding);
                var file = Path.Combine(root, "files", package, $"{version}.zip");
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                await File.WriteAllBytesAsync(file, zip, ct);

                var full = Version(package, version, $"{origin}/files/{package}/{version}.zip", zip);
                versions.Add(newer is null ? full : Differences(newer, full));
                newer = full;
            }

            var p2 = new JsonObject { ["packages"] = new JsonObject { [package] = versions }, ["minified"] = "composer/2.0" };
            var path = Path.Combine(root, "p2", $"{package}.json");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, p2.ToJsonString(), ct);
        });
        Console.Error.WriteLine($"upstream repository: {Packages.Count} packages × {Versions} versions under {root}");
        return 0;
    }

    private static JsonObject Version(string package, string version, string distUrl, byte[] zip)
    {
        // A commit id's shape: 40 hex digits.
        var reference = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{package}@{version}")))[..40];
        return new JsonObject
        {
            ["name"] = package,
            ["description"] = $"Upstream benchmark package {package}",
            ["keywords"] = new JsonArray("benchmark", "mirror"),
            ["version"] = version,
            ["version_normalized"] = $"{version}.0",
            ["license"] = new JsonArray("MIT"),
            ["authors"] = new JsonArray(new JsonObject { ["name"] = "Bench", ["email"] = "bench@example.test" }),
            ["source"] = new JsonObject { ["url"] = $"https://git.example.test/{package}.git", ["type"] = "git", ["reference"] = reference },
            ["dist"] = new JsonObject { ["url"] = distUrl, ["type"] = "zip", ["shasum"] = Sha1(zip), ["reference"] = reference },
            ["type"] = "library",
            ["time"] = $"2026-0{1 + (version[2] - '0')}-01T00:00:00+00:00",
            ["autoload"] = new JsonObject { ["psr-4"] = new JsonObject { [$"Bench\\{package.Split('/')[1]}\\"] = "src/" } },
            ["require"] = new JsonObject { ["php"] = ">=8.1" },
        };
    }

    /// <summary>The hash Composer's <c>shasum</c> holds (as the artifact store computes it).</summary>
    private static string Sha1(byte[] bytes)
    {
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        sha1.AppendData(bytes);
        return Convert.ToHexStringLower(sha1.GetHashAndReset());
    }

    /// <summary>An older version in a minified p2 file: only the members that differ from the version listed before it.</summary>
    private static JsonObject Differences(JsonObject newer, JsonObject older)
    {
        var differences = new JsonObject();
        foreach (var (key, value) in older)
        {
            if (!JsonNode.DeepEquals(newer[key], value))
            {
                differences[key] = value?.DeepClone();
            }
        }

        return differences;
    }
}
