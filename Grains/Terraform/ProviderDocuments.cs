using System.Security.Cryptography;
using System.Text.Json;
using OrleansRegistry.Versions;

namespace OrleansRegistry.Terraform;

/// <summary>The provider protocol <c>versions</c> document and the network mirror <c>index.json</c>, built once per change.</summary>
public static class ProviderDocuments
{
    public static ProtocolDocument Versions(string id, IReadOnlyCollection<ProviderVersionRecord> versions, DateTimeOffset lastModified) =>
        Write(lastModified, json =>
        {
            json.WriteString("id", id);
            json.WriteStartArray("versions");
            foreach (var version in Newest(versions))
            {
                json.WriteStartObject();
                json.WriteString("version", version.Version);
                json.WriteStartArray("protocols");
                foreach (var protocol in version.Protocols)
                {
                    json.WriteStringValue(protocol);
                }

                json.WriteEndArray();
                json.WriteStartArray("platforms");
                foreach (var platform in version.Platforms.OrderBy(p => p.Os, StringComparer.Ordinal).ThenBy(p => p.Arch, StringComparer.Ordinal))
                {
                    json.WriteStartObject();
                    json.WriteString("os", platform.Os);
                    json.WriteString("arch", platform.Arch);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("warnings");
            foreach (var version in Newest(versions).Where(v => v.Deprecation is not null))
            {
                var reason = string.IsNullOrEmpty(version.Deprecation!.Reason) ? "" : $": {version.Deprecation.Reason}";
                var link = version.Deprecation.Link is null ? "" : $" (see {version.Deprecation.Link})";
                json.WriteStringValue($"Version {version.Version} of {id} is deprecated{reason}{link}");
            }

            json.WriteEndArray();
        });

    public static ProtocolDocument MirrorIndex(IReadOnlyCollection<ProviderVersionRecord> versions, DateTimeOffset lastModified) =>
        MirrorIndex(Newest(versions).Select(v => v.Version), lastModified);

    /// <summary><c>{"versions":{"1.0.0":{}}}</c>, newest first.</summary>
    public static ProtocolDocument MirrorIndex(IEnumerable<string> versions, DateTimeOffset lastModified) =>
        Write(lastModified, json =>
        {
            json.WriteStartObject("versions");
            foreach (var version in versions.OrderByDescending(v => SemanticVersion.TryParse(v, out var parsed, out _) ? parsed : null))
            {
                json.WriteStartObject(version);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        });

    public static IEnumerable<ProviderVersionRecord> Newest(IEnumerable<ProviderVersionRecord> versions) =>
        versions.OrderByDescending(v => SemanticVersion.TryParse(v.Version, out var parsed, out _) ? parsed : null);

    private static ProtocolDocument Write(DateTimeOffset lastModified, Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }

        var bytes = buffer.ToArray();
        return new ProtocolDocument(bytes, $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..32]}\"", lastModified);
    }
}
