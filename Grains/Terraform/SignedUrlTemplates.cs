using System.Text;
using System.Text.Json;

namespace OrleansRegistry.Terraform;

/// <summary>
/// Renders the provider download document and the network mirror <c>{version}.json</c> once per version/platform,
/// with a marker string where each signed URL goes, then cuts the bytes at the markers. A download document's last
/// segment is only its signing key block, the same for every platform and version signed with that key, so that
/// grains can hold it once (<see cref="SharedSegments"/>).
/// </summary>
public static class SignedUrlTemplates
{
    private const string Marker = "~~signed-url~~";

    public static SignedUrlTemplate Download(string[] protocols, ProviderPlatform platform, string sumsKey, string signatureKey, string keyId, string keyArmor, string source,
        SharedSegments shared)
    {
        var template = Render([platform.StorageKey, sumsKey, signatureKey], json =>
        {
            json.WriteStartArray("protocols");
            foreach (var protocol in protocols)
            {
                json.WriteStringValue(protocol);
            }

            json.WriteEndArray();
            json.WriteString("os", platform.Os);
            json.WriteString("arch", platform.Arch);
            json.WriteString("filename", platform.FileName);
            json.WriteString("shasum", platform.Sha256);
            json.WriteString("download_url", Marker);
            json.WriteString("shasums_url", Marker);
            json.WriteString("shasums_signature_url", Marker);
            json.WriteStartObject("signing_keys");
            json.WriteStartArray("gpg_public_keys");
            json.WriteStartObject();
            json.WriteString("key_id", keyId);
            json.WriteString("ascii_armor", keyArmor);
            json.WriteString("trust_signature", "");
            json.WriteString("source", source);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        });
        template.Segments[^1] = shared.Share(template.Segments[^1]);
        return template;
    }

    public static SignedUrlTemplate MirrorVersion(IEnumerable<ProviderPlatform> platforms)
    {
        var ordered = platforms.OrderBy(p => p.Os, StringComparer.Ordinal).ThenBy(p => p.Arch, StringComparer.Ordinal).ToList();
        return Render([.. ordered.Select(p => p.StorageKey)], json =>
        {
            json.WriteStartObject("archives");
            foreach (var platform in ordered)
            {
                json.WriteStartObject($"{platform.Os}_{platform.Arch}");
                json.WriteString("url", Marker);
                json.WriteStartArray("hashes");
                json.WriteStringValue(platform.H1);
                json.WriteStringValue($"zh:{platform.Sha256}");
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        });
    }

    private static SignedUrlTemplate Render(string[] keys, Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }

        var bytes = buffer.ToArray();
        var marker = Encoding.UTF8.GetBytes(Marker);
        var segments = new List<byte[]>();
        var start = 0;
        for (int at; (at = bytes.AsSpan(start).IndexOf(marker)) >= 0; start += at + marker.Length)
        {
            segments.Add(bytes[start..(start + at)]);
        }

        segments.Add(bytes[start..]);
        return segments.Count == keys.Length + 1
            ? new SignedUrlTemplate([.. segments], keys)
            : throw new InvalidOperationException("a rendered value contains the signed-URL marker");
    }
}
