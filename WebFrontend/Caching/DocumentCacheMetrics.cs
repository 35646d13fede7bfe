using Prometheus;

namespace OrleansRegistry.WebFrontend.Caching;

/// <summary>
/// <c>document_cache_hits_total</c> and <c>document_cache_misses_total</c>: protocol reads this frontend answered from
/// its <see cref="DocumentCache"/>, and reads that asked the grain. Unlabelled, so a read pays one increment of a
/// counter bound once here, and both series exist at 0 from the start (a rate needs that first sample). Reads made
/// while the cache is off (<c>Registry:DocumentCache:Duration</c> 0) are neither.
/// </summary>
internal static class DocumentCacheMetrics
{
    public static readonly Counter Hits = Prometheus.Metrics.CreateCounter(
        "document_cache_hits_total", "Protocol reads answered from the frontend's document cache, without a grain call.");

    public static readonly Counter Misses = Prometheus.Metrics.CreateCounter(
        "document_cache_misses_total", "Protocol reads the frontend's document cache did not hold (or held expired): the grain was asked.");
}
