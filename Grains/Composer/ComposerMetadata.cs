using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansRegistry.Composer;

/// <summary>
/// The <c>composer/2.0</c> minified metadata: versions newest first, the first complete, each next one holding
/// only the keys whose value changed from the previous (expanded) version, and <c>"__unset"</c> for keys it lacks.
/// </summary>
public static class ComposerMetadata
{
    public const string Unset = "__unset";

    public static ProtocolDocument Build(string package, IEnumerable<JsonObject> newestFirst, DateTimeOffset lastModified)
    {
        var minified = Minify(newestFirst);
        var document = new JsonObject
        {
            ["minified"] = "composer/2.0",
            ["packages"] = new JsonObject { [package] = new JsonArray([.. minified]) },
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(document, Options);
        return new ProtocolDocument(body, $"\"{Convert.ToHexStringLower(SHA256.HashData(body))[..32]}\"", lastModified);
    }

    public static List<JsonObject> Minify(IEnumerable<JsonObject> versions)
    {
        var result = new List<JsonObject>();
        var last = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var version in versions)
        {
            var minified = new JsonObject();
            foreach (var (key, value) in version)
            {
                if (!last.TryGetValue(key, out var previous) || !JsonNode.DeepEquals(previous, value))
                {
                    minified[key] = value?.DeepClone();
                    last[key] = value?.DeepClone();
                }
            }

            foreach (var key in last.Keys.Where(k => !version.ContainsKey(k)).ToList())
            {
                minified[key] = Unset;
                last.Remove(key);
            }

            result.Add(minified);
        }

        return result;
    }

    /// <summary>The inverse of <see cref="Minify"/>, as Composer expands it.</summary>
    public static List<JsonObject> Expand(IEnumerable<JsonObject> minified)
    {
        var result = new List<JsonObject>();
        JsonObject? expanded = null;
        foreach (var version in minified)
        {
            expanded = expanded is null ? new JsonObject() : (JsonObject)expanded.DeepClone();
            foreach (var (key, value) in version)
            {
                if (value is JsonValue v && v.TryGetValue<string>(out var text) && text == Unset)
                {
                    expanded.Remove(key);
                }
                else
                {
                    expanded[key] = value?.DeepClone();
                }
            }

            result.Add((JsonObject)expanded.DeepClone());
        }

        return result;
    }

    private static readonly JsonSerializerOptions Options = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
