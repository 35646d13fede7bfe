using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansRegistry.Archives;

namespace OrleansRegistry.Composer;

/// <summary>
/// The composer.json of an uploaded package zip (at its root or inside a single top folder), validated the way
/// Composer would reject it, reduced to the fields a repository publishes.
/// </summary>
public static class ComposerManifest
{
    private const int MaxManifestBytes = 512 * 1024;

    // The fields a Composer repository serves per version (root-only settings such as config or scripts are not).
    private static readonly string[] PublishedFields =
    [
        "name", "description", "keywords", "homepage", "readme", "license", "authors", "type", "support", "funding",
        "require", "require-dev", "conflict", "replace", "provide", "suggest", "autoload", "autoload-dev",
        "include-path", "target-dir", "extra", "bin", "archive", "non-feature-branches",
    ];

    private static readonly string[] LinkFields = ["require", "require-dev", "conflict", "replace", "provide", "suggest"];

    /// <summary>Reads and validates composer.json from the zip; throws <see cref="InvalidArchiveException"/> naming the problem.</summary>
    public static async Task<JsonObject> ReadAsync(Stream zip, ArchiveLimits limits, CancellationToken cancellationToken)
    {
        // Safety first: the same path and size rules as every archive.
        await ArchiveInspector.InspectAsync(zip, Terraform.ArchiveFormat.Zip, limits, _ => false, cancellationToken);
        zip.Seek(0, SeekOrigin.Begin);
        await using var archive = await ZipArchive.CreateAsync(zip, ZipArchiveMode.Read, leaveOpen: true, entryNameEncoding: null, cancellationToken);
        var files = archive.Entries.Where(e => !e.FullName.EndsWith('/')).ToList();
        var manifest = files.FirstOrDefault(e => e.FullName == "composer.json");
        if (manifest is null)
        {
            var tops = files.Select(e => e.FullName.Split('/')[0]).Distinct(StringComparer.Ordinal).ToList();
            manifest = tops.Count == 1 ? files.FirstOrDefault(e => e.FullName == $"{tops[0]}/composer.json") : null;
        }

        if (manifest is null)
        {
            throw new InvalidArchiveException("the zip has no composer.json at its root or in a single top folder");
        }

        if (manifest.Length > MaxManifestBytes)
        {
            throw new InvalidArchiveException("composer.json is too large");
        }

        JsonNode? parsed;
        try
        {
            await using var content = await manifest.OpenAsync(cancellationToken);
            parsed = await JsonNode.ParseAsync(content, cancellationToken: cancellationToken);
        }
        catch (JsonException e)
        {
            throw new InvalidArchiveException($"composer.json is not valid JSON: {e.Message}");
        }

        return parsed as JsonObject ?? throw new InvalidArchiveException("composer.json must be a JSON object");
    }

    /// <summary>Checks the types of the fields Composer relies on; returns the problem or null.</summary>
    public static string? Validate(JsonObject manifest)
    {
        var name = manifest["name"] is JsonValue n && n.TryGetValue<string>(out var s) ? s : null;
        if (!ComposerNames.IsValid(name))
        {
            return $"composer.json 'name' must be a lower-case 'vendor/package' name (got '{name ?? "nothing"}')";
        }

        foreach (var field in new[] { "description", "homepage", "type", "version", "readme", "target-dir" })
        {
            if (manifest[field] is { } value && !IsString(value))
            {
                return $"composer.json '{field}' must be a string";
            }
        }

        foreach (var field in LinkFields)
        {
            if (manifest[field] is { } links && (links is not JsonObject map || map.Any(kv => kv.Value is null || !IsString(kv.Value))))
            {
                return $"composer.json '{field}' must map package names to version constraints (strings)";
            }
        }

        foreach (var field in new[] { "autoload", "autoload-dev", "extra", "support" })
        {
            if (manifest[field] is { } value && value is not JsonObject)
            {
                return $"composer.json '{field}' must be an object";
            }
        }

        if (manifest["keywords"] is { } keywords && (keywords is not JsonArray list || list.Any(k => k is null || !IsString(k))))
        {
            return "composer.json 'keywords' must be an array of strings";
        }

        if (manifest["license"] is { } license && !IsString(license) && (license is not JsonArray licenses || licenses.Any(l => l is null || !IsString(l))))
        {
            return "composer.json 'license' must be a string or an array of strings";
        }

        if (manifest["authors"] is { } authors && (authors is not JsonArray people || people.Any(a => a is not JsonObject)))
        {
            return "composer.json 'authors' must be an array of objects";
        }

        if (manifest["bin"] is { } bin && !IsString(bin) && (bin is not JsonArray bins || bins.Any(b => b is null || !IsString(b))))
        {
            return "composer.json 'bin' must be a string or an array of strings";
        }

        return null;
    }

    /// <summary>The metadata object a repository serves for one version.</summary>
    public static JsonObject ToVersionMetadata(JsonObject manifest, string version, string normalized, JsonObject dist, DateTimeOffset time)
    {
        var metadata = new JsonObject();
        foreach (var field in PublishedFields)
        {
            if (manifest[field] is { } value)
            {
                metadata[field] = value.DeepClone();
            }
        }

        metadata["version"] = version;
        metadata["version_normalized"] = normalized;
        metadata["type"] ??= "library";
        metadata["dist"] = dist;
        metadata["time"] = time.ToString("yyyy-MM-ddTHH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture);
        return metadata;
    }

    private static bool IsString(JsonNode node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String;
}
