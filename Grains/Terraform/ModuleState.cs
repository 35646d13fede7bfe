using OrleansRegistry.Changes;

namespace OrleansRegistry.Terraform;

/// <summary>Persisted state of a module: its versions and where their bytes are. No blobs.</summary>
public sealed class ModuleState : IHasFollowUps
{
    public Dictionary<string, ModuleVersionRecord> Versions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>When the versions document last changed (<see cref="Caching.ChangeTimes"/>); unset in state written before it existed.</summary>
    public DateTimeOffset ChangedAt { get; set; }

    public FollowUps FollowUps { get; set; } = new();
}

public sealed class ModuleVersionRecord
{
    public string Version { get; set; } = "";
    public DateTimeOffset PublishedAt { get; set; }
    public string PublishedBy { get; set; } = "";
    public string StorageKey { get; set; } = "";
    public long Size { get; set; }
    public string Sha256 { get; set; } = "";
    public ArchiveFormat Format { get; set; }
    public string? RootPath { get; set; }
    public string? ReadmeKey { get; set; }

    /// <summary>The interface read at publish (<see cref="Interface.ModuleInterfaceDocument"/>); null for versions published before it was read.</summary>
    public string? InterfaceKey { get; set; }
    public string? Description { get; set; }
    public ModuleDeprecation? Deprecation { get; set; }
    public long Downloads { get; set; }
}
