namespace OrleansRegistry.Storage.LocalFileSystem;

public sealed class LocalFileSystemOptions
{
    public const string Section = "Storage:LocalFileSystem";

    /// <summary>Root directory of the artifacts; defaults to <c>&lt;data dir&gt;/artifacts</c>.</summary>
    public string? Root { get; set; }
}
