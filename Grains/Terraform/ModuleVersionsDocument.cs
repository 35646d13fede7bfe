using System.Security.Cryptography;
using System.Text.Json;
using OrleansRegistry.Versions;

namespace OrleansRegistry.Terraform;

/// <summary>Builds the module protocol <c>versions</c> response once per change, as bytes.</summary>
public static class ModuleVersionsDocument
{
    public static ProtocolDocument Build(string source, IEnumerable<ModuleVersionRecord> versions, DateTimeOffset lastModified)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("modules");
            json.WriteStartObject();
            json.WriteString("source", source);
            json.WriteStartArray("versions");
            foreach (var version in Newest(versions))
            {
                json.WriteStartObject();
                json.WriteString("version", version.Version);
                if (version.Deprecation is { } deprecation)
                {
                    json.WriteStartObject("deprecation");
                    json.WriteString("reason", deprecation.Reason ?? "");
                    if (deprecation.Link is not null)
                    {
                        json.WriteString("link", deprecation.Link);
                    }

                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        var body = buffer.ToArray();
        return new ProtocolDocument(body, $"\"{Convert.ToHexStringLower(SHA256.HashData(body))[..32]}\"", lastModified);
    }

    /// <summary>Versions in descending semantic-version order.</summary>
    public static IEnumerable<ModuleVersionRecord> Newest(IEnumerable<ModuleVersionRecord> versions) =>
        versions.Select(v => (Record: v, Parsed: Parse(v.Version))).OrderByDescending(v => v.Parsed).Select(v => v.Record);

    /// <summary>The newest release version, or the newest pre-release when there is no release.</summary>
    public static ModuleVersionRecord? Latest(IEnumerable<ModuleVersionRecord> versions)
    {
        var ordered = Newest(versions).ToList();
        return ordered.FirstOrDefault(v => !Parse(v.Version).IsPrerelease) ?? ordered.FirstOrDefault();
    }

    private static SemanticVersion Parse(string version) =>
        SemanticVersion.TryParse(version, out var parsed, out _) ? parsed : throw new InvalidOperationException($"stored version '{version}' is not semver");
}
