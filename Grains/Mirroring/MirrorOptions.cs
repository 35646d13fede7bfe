namespace OrleansRegistry.Mirroring;

/// <summary>How mirrors sync (section <c>Mirrors</c>).</summary>
public sealed class MirrorOptions
{
    public const string Section = "Mirrors";

    /// <summary>Downloads running at once per sync.</summary>
    public int MaxConcurrentDownloads { get; set; } = 4;

    /// <summary>Retries of a transient upstream failure (network error, 429, 5xx) before the item fails.</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>First backoff; doubles per retry. An upstream <c>Retry-After</c> replaces it.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest <c>Retry-After</c> honoured; a longer one fails the item, to be retried next sync.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Timeout of one metadata request (discovery, versions, download JSON, SHA256SUMS).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>When a new mirror first syncs.</summary>
    public TimeSpan FirstSyncDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often an unfinished sync is checked for (and resumed after) a silo failure.</summary>
    public TimeSpan ResumeCheckPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a pull-through request waits for its fetch before answering "ask again".</summary>
    public TimeSpan PullThroughWait { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a pull-through mirror reuses the upstream's version list.</summary>
    public TimeSpan UpstreamVersionsCacheTime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Versions written to a provider grain per call.</summary>
    public int ImportBatchSize { get; set; } = 10;

    /// <summary>Largest provider zip accepted from an upstream.</summary>
    public long MaxArchiveBytes { get; set; } = 1L << 30;

    /// <summary>Where silos keep their bare copies of Git sources (a cache; default <c>{data dir}/git-cache</c>).</summary>
    public string? GitCacheDirectory { get; set; }

    /// <summary>Longest a single git command (fetch, archive) may take.</summary>
    public TimeSpan GitTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a composer-repository mirror serves a p2 file before revalidating it upstream.</summary>
    public TimeSpan ComposerMetadataTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Sync records kept per mirror.</summary>
    public int HistoryLength { get; set; } = 50;
}
