using System.Text.Json.Serialization;
using OrleansRegistry.Changes;

namespace OrleansRegistry.Composer;

/// <summary>Persisted state of a Composer package. Each version keeps its metadata object as JSON text (UTF-8).</summary>
public sealed class ComposerPackageState : IHasFollowUps
{
    public Dictionary<string, ComposerVersionRecord> Versions { get; set; } = new(StringComparer.Ordinal);
    public bool Abandoned { get; set; }
    public string? Replacement { get; set; }

    /// <summary>When the tags file (<c>p2/vendor/name.json</c>) last changed (<see cref="Caching.ChangeTimes"/>).</summary>
    public DateTimeOffset TagsChangedAt { get; set; }

    /// <summary>When the branches file (<c>~dev.json</c>) last changed.</summary>
    public DateTimeOffset DevChangedAt { get; set; }

    public FollowUps FollowUps { get; set; } = new();
}

public sealed class ComposerVersionRecord
{
    public string Version { get; set; } = "";
    public string VersionNormalized { get; set; } = "";

    /// <summary>The version's metadata object (composer.json fields, version, dist, time), as served.</summary>
    [JsonConverter(typeof(Utf8JsonTextConverter))]
    public byte[] Metadata { get; set; } = [];
    public string StorageKey { get; set; } = "";

    /// <summary>The dist zip's SHA-1 (the metadata's <c>dist.shasum</c>); empty in records written before it was kept here.</summary>
    public string Sha1 { get; set; } = "";
    public string Reference { get; set; } = "";
    public long Size { get; set; }
    public DateTimeOffset PublishedAt { get; set; }
    public string PublishedBy { get; set; } = "";
    public long Installs { get; set; }
}
