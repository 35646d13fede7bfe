using Prometheus;

namespace OrleansRegistry.Mirroring;

/// <summary>Mirror sync metrics, exposed by the silo's /metrics.</summary>
public static class MirrorMetrics
{
    public static readonly Counter SyncErrors = Metrics.CreateCounter(
        "mirror_sync_errors_total", "Items a mirror sync could not fetch or verify (nothing of them was published).", "mirror");

    public static readonly Histogram SyncDuration = Metrics.CreateHistogram(
        "mirror_sync_duration_seconds", "Duration of mirror syncs.",
        new HistogramConfiguration { LabelNames = ["mirror", "result"], Buckets = Histogram.ExponentialBuckets(0.5, 2, 14) });

    public static readonly Counter PlatformsAdded = Metrics.CreateCounter(
        "mirror_platforms_added_total", "Provider platforms a mirror fetched, verified and published (syncs and pull-through).", "mirror");
}
