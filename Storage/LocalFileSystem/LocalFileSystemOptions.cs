namespace OrleansRegistry.Storage.LocalFileSystem;

/// <summary>Artifacts on this machine's disk: <c>REGISTRY_STORAGE_LOCAL_ROOT</c>, or <c>Registry:Storage:Local</c>.</summary>
public sealed class LocalFileSystemOptions
{
    public const string Section = "Local";

    /// <summary>Root directory of the artifacts; defaults to <c>&lt;data dir&gt;/artifacts</c>.</summary>
    public string? Root { get; set; }
}
