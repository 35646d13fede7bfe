using System.Text.Json.Serialization;

namespace OrleansRegistry.Composer;

/// <summary>Persisted state of a Composer package. Each version keeps its metadata object as JSON text (UTF-8).</summary>
public sealed class ComposerPackageState
{
    public Dictionary<string, ComposerVersionRecord> Versions { get; set; } = new(StringComparer.Ordinal);
    public bool Abandoned { get; set; }
    public string? Replacement { get; set; }
    public DateTimeOffset TagsChangedAt { get; set; }
    public DateTimeOffset DevChangedAt { get; set; }
}

public sealed class ComposerVersionRecord
{
    public string Version { get; set; } = "";
    public string VersionNormalized { get; set; } = "";

    /// <summary>The version's metadata object (composer.json fields, version, dist, time), as served.</summary>
    [JsonConverter(typeof(Utf8JsonTextConverter))]
    public byte[] Metadata { get; set; } = [];
    public string StorageKey { get; set; } = "";
    public string Reference { get; set; } = "";
    public long Size { get; set; }
    public DateTimeOffset PublishedAt { get; set; }
    public string PublishedBy { get; set; } = "";
    public long Installs { get; set; }
}
