using Microsoft.Extensions.Options;
using OrleansRegistry.Caching;
using OrleansRegistry.WebFrontend.Errors;
using Prometheus;

namespace OrleansRegistry.WebFrontend.Caching;

/// <summary>
/// When this frontend may answer from what it kept because the cluster did not: the grain call failed for a reason
/// that says a dependency is down (<see cref="ClusterFailures.IsUnavailable"/>), the kept copy was current no more
/// than <see cref="DocumentCacheOptions.StaleIfError"/> ago, and its grain never said it changed (a change drops the
/// copy, so there is none left to serve). A silo killed under load makes its grains' calls fail until the silo is
/// declared dead; CI clients reading documents see the copy instead of a 503 (see docs/architecture.md#stale-if-error).
/// </summary>
public sealed partial class StaleIfError(IOptions<DocumentCacheOptions> options, TimeProvider clock, ILogger<StaleIfError> logger)
{
    private static readonly Counter Served = Prometheus.Metrics.CreateCounter(
        "document_cache_stale_served_total", "Answers served from a kept document or key lease because the cluster failed.", "kind");

    // Created with the (singleton) instance, so the series exist at 0 before the first stale answer: alerts and
    // dashboards see a rise from 0.
    private readonly Counter.Child _documentsServed = Served.WithLabels("document");
    private readonly Counter.Child _keyLeasesServed = Served.WithLabels("key_lease");

    private static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(10);
    private long _nextLog;

    /// <summary>How long past its validity a kept copy may still be served; zero turns stale-if-error off.</summary>
    public TimeSpan Bound { get; } = options.Value.StaleIfError;

    /// <summary>Whether a copy valid until <paramref name="validUntilTicks"/> (UTC) may answer in place of <paramref name="failure"/>.</summary>
    public bool Allows(Exception failure, long validUntilTicks) =>
        Bound > TimeSpan.Zero && clock.GetUtcNow().UtcTicks < validUntilTicks + Bound.Ticks && ClusterFailures.IsUnavailable(failure);

    /// <summary>Counts a document served stale and logs it, at most once every 10 s per frontend.</summary>
    public void RecordDocument(Exception failure) => Record(_documentsServed, "document", failure);

    /// <summary>Counts a key's lease borrowed and logs it, at most once every 10 s per frontend.</summary>
    public void RecordKeyLease(Exception failure) => Record(_keyLeasesServed, "key lease", failure);

    private void Record(Counter.Child served, string kind, Exception failure)
    {
        served.Inc();
        var now = clock.GetUtcNow().UtcTicks;
        var next = Interlocked.Read(ref _nextLog);
        if (now >= next && Interlocked.CompareExchange(ref _nextLog, now + LogEvery.Ticks, next) == next)
        {
            LogServed(logger, kind, failure.GetType().Name, failure.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The cluster failed a read ({Failure}: {Reason}); serving the {Kind} this frontend kept (stale-if-error; further ones in the next 10 s are only counted)")]
    private static partial void LogServed(ILogger logger, string kind, string failure, string reason);
}
