namespace OrleansRegistry.Archives;

/// <summary>Bounds on what an archive may expand to; bound from <c>Registry:Archives</c>.</summary>
public sealed class ArchiveLimits
{
    public const string Section = "Registry:Archives";

    public int MaxFiles { get; set; } = 10_000;

    public long MaxExpandedBytes { get; set; } = 1L << 30;

    /// <summary>Largest README kept for the API/UI.</summary>
    public int MaxReadmeBytes { get; set; } = 256 * 1024;
}
