namespace OrleansRegistry.Terraform;

/// <summary>Persisted state of a module: its versions and where their bytes are. No blobs.</summary>
public sealed class ModuleState
{
    public Dictionary<string, ModuleVersionRecord> Versions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Set when the read model could not be updated after a write; repaired on the next activation.</summary>
    public bool IndexStale { get; set; }
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
    public string? Description { get; set; }
    public ModuleDeprecation? Deprecation { get; set; }
    public long Downloads { get; set; }
}
