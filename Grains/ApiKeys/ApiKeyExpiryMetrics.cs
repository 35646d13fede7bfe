using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRegistry.Catalog;
using Prometheus;

namespace OrleansRegistry.ApiKeys;

/// <summary>How often a silo recounts the keys about to expire, bound from <c>Registry:Metrics</c>.</summary>
public sealed class ApiKeyExpiryMetricsOptions
{
    public const string Section = "Registry:Metrics";

    /// <summary>A scrape recounts when the last count is older than this; scrapes in between get the last count.</summary>
    public TimeSpan ApiKeyExpiryRefresh { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// <c>api_keys_expiring{within="1d|7d|14d"}</c>: live keys (not revoked, not expired) that expire within that time;
/// cumulative, like histogram buckets (a key due in 12 hours counts in all three). Counted from the read model's
/// key table when /metrics is scraped, at most once per <see cref="ApiKeyExpiryMetricsOptions.ApiKeyExpiryRefresh"/>:
/// no timer of its own, nothing on any request path. Every silo exports the same figure, so alerts take max().
/// When the database does not answer, scrapes keep the last count (and /health shows the database failing).
/// </summary>
public sealed partial class ApiKeyExpiryMetrics(
    ReadModelQueries queries, TimeProvider clock, IOptions<ApiKeyExpiryMetricsOptions> options, ILogger<ApiKeyExpiryMetrics> logger) : IHostedService
{
    private static readonly (string Label, TimeSpan Window)[] Windows =
        [("1d", TimeSpan.FromDays(1)), ("7d", TimeSpan.FromDays(7)), ("14d", TimeSpan.FromDays(14))];

    private static readonly Gauge Expiring = Metrics.CreateGauge(
        "api_keys_expiring", "Live API keys (not revoked, not expired) that expire within the labelled time (cumulative).", "within");

    /// <summary>A scrape waits this long at most for the count; a slow database must not make /metrics time out.</summary>
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The collect callback is registered once per process (the registry is append-only); it counts for the running host.</summary>
    private static ApiKeyExpiryMetrics? _current;
    private static int _callbackRegistered;

    private readonly Gauge.Child[] _series = [.. Windows.Select(w => Expiring.WithLabels(w.Label))];
    private int _counting;
    private long _countedAt;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _current, this);
        if (Interlocked.Exchange(ref _callbackRegistered, 1) == 0)
        {
            Metrics.DefaultRegistry.AddBeforeCollectCallback(ct => Volatile.Read(ref _current)?.RefreshAsync(ct) ?? Task.CompletedTask);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Interlocked.CompareExchange(ref _current, null, this);
        return Task.CompletedTask;
    }

    private async Task RefreshAsync(CancellationToken scrapeCancelled)
    {
        var now = clock.GetUtcNow();
        if (now.UtcTicks - Interlocked.Read(ref _countedAt) < options.Value.ApiKeyExpiryRefresh.Ticks || Interlocked.Exchange(ref _counting, 1) == 1)
        {
            return; // counted recently, or a concurrent scrape is counting
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(scrapeCancelled);
            timeout.CancelAfter(QueryTimeout);
            var counts = await queries.CountApiKeysExpiringAsync(now, [.. Windows.Select(w => w.Window)], timeout.Token);
            for (var i = 0; i < _series.Length; i++)
            {
                _series[i].Set(counts[i]);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Never fail the scrape: the other metrics matter most when the database is away.
            LogCountFailed(logger, e.Message);
        }
        finally
        {
            // A failed count is retried after the same interval: one warning a minute while the database is away.
            Interlocked.Exchange(ref _countedAt, now.UtcTicks);
            Volatile.Write(ref _counting, 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not count the API keys about to expire (the metric keeps its last value): {Reason}")]
    private static partial void LogCountFailed(ILogger logger, string reason);
}
