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

    /// <summary>
    /// Creates the mirror's counters at 0 when its sync starts: a counter series born at 1 shows no increase to
    /// rate(), so without this the first error of a mirror would never fire <c>rate(mirror_sync_errors_total[1h]) > 0</c>.
    /// </summary>
    public static void Track(string mirrorId)
    {
        SyncErrors.WithLabels(mirrorId);
        PlatformsAdded.WithLabels(mirrorId);
    }
}
