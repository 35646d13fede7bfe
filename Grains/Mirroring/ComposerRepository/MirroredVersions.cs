using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansRegistry.Composer;

namespace OrleansRegistry.Mirroring.ComposerRepository;

/// <summary>
/// An upstream p2 file's versions as a mirror reads and serves them. Upstream JSON is untrusted: members of the wrong
/// type are treated as missing, and a version whose dist could not be served safely from here is left out.
/// </summary>
public static class MirroredVersions
{
    /// <summary>The versions of a p2 body, expanded when it is minified.</summary>
    public static List<JsonObject> Of(string package, string body)
    {
        JsonObject? document;
        try
        {
            document = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            return [];
        }

        if (document?["packages"] is not JsonObject packages || packages[package] is not JsonArray versions)
        {
            return [];
        }

        var objects = versions.OfType<JsonObject>().ToList();
        return Text(document["minified"]) == "composer/2.0" ? ComposerMetadata.Expand(objects) : objects;
    }

    /// <summary>Our copy of a version: dist pointing at this registry, no VCS source (air-gapped clients could not reach it).</summary>
    public static JsonObject Rewrite(string package, JsonObject version, string baseUrl)
    {
        var copy = (JsonObject)version.DeepClone();
        copy.Remove("source");
        if (DistOf(version) is var (normalized, reference, _, _) && copy["dist"] is JsonObject dist)
        {
            dist["url"] = $"{baseUrl}/dists/{package}/{string.Join('/', normalized.Split('/').Select(Uri.EscapeDataString))}/{reference}.zip";
            dist["type"] = "zip";
            dist["reference"] = reference;
        }

        return copy;
    }

    public static (string Normalized, string Reference, string Url, string? Shasum)? DistOf(JsonObject version)
    {
        if (version["dist"] is not JsonObject dist || Text(dist["url"]) is not { } url)
        {
            return null;
        }

        var normalized = Text(version["version_normalized"]) ?? (ComposerVersion.TryNormalize(Text(version["version"]), out var n) ? n : null);
        if (normalized is null || !IsServable(normalized))
        {
            return null;
        }

        var reference = Text(dist["reference"]) ?? "";
        if (!SafeReference(reference))
        {
            reference = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(reference + url)))[..40];
        }

        return (normalized, reference, url, Text(dist["shasum"]));
    }

    /// <summary>A string member of upstream JSON, or null when it is missing or not a string (an upstream may send anything).</summary>
    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>A normalized version that can be a dist URL's and a storage key's path: a Git branch name, or dotted digits and letters.</summary>
    private static bool IsServable(string normalized) =>
        normalized.StartsWith("dev-", StringComparison.Ordinal)
            ? ComposerVersion.IsBranchName(normalized[4..])
            : normalized.Length is > 0 and <= 100 && normalized.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-');

    private static bool SafeReference(string reference) =>
        reference.Length is > 0 and <= 100 && reference.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');
}
