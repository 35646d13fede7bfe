namespace OrleansRegistry.Archives;

/// <summary>Bounds on what an archive may expand to; bound from <c>Registry:Archives</c>.</summary>
public sealed class ArchiveLimits
{
    public const string Section = "Registry:Archives";

    public int MaxFiles { get; set; } = 10_000;

    public long MaxExpandedBytes { get; set; } = 1L << 30;

    /// <summary>Largest README kept for the API/UI.</summary>
    public int MaxReadmeBytes { get; set; } = 256 * 1024;

    /// <summary>Largest single <c>.tf</c>/<c>.tf.json</c> file read for a module's interface; larger ones are skipped with a warning.</summary>
    public int MaxInterfaceFileBytes { get; set; } = 1024 * 1024;

    /// <summary>Most bytes of a module root's Terraform files read for its interface; files past it are skipped with a warning.</summary>
    public int MaxInterfaceBytes { get; set; } = 4 * 1024 * 1024;
}
