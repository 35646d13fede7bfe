namespace OrleansRegistry.Mirroring.ComposerRepository;

/// <summary>What a mirror holds of one upstream package: its p2 files as fetched, and where its dists are.</summary>
public sealed class ComposerMirrorPackageState
{
    /// <summary>"tags" and "dev": the upstream p2 files.</summary>
    public Dictionary<string, MirroredMetadata> Files { get; set; } = new(StringComparer.Ordinal);

    /// <summary>"{version_normalized}@{reference}" → the upstream dist and, once fetched, our copy.</summary>
    public Dictionary<string, MirroredDist> Dists { get; set; } = new(StringComparer.Ordinal);
}

public sealed class MirroredMetadata
{
    /// <summary>The upstream body, as received (minified or not); null when the upstream has no such file.</summary>
    public string? Body { get; set; }
    /// <summary>The upstream's Last-Modified, sent back to it when revalidating.</summary>
    public DateTimeOffset? LastModified { get; set; }
    public DateTimeOffset FetchedAt { get; set; }

    /// <summary>When our copy last changed: the Last-Modified we serve (<see cref="Caching.ChangeTimes"/>), never behind an earlier one.</summary>
    public DateTimeOffset ChangedAt { get; set; }
}

public sealed class MirroredDist
{
    public string Url { get; set; } = "";
    public string? Shasum { get; set; }
    public string? StorageKey { get; set; }
}
