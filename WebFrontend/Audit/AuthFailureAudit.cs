using System.Threading.Channels;
using OrleansRegistry.Catalog;
using Prometheus;

namespace OrleansRegistry.WebFrontend.Audit;

/// <summary>
/// Records refused API keys in the audit log (<c>auth.failed</c>) without making a refused request wait on anything:
/// <see cref="Record"/> only counts (<see cref="AuthFailureLimiter"/>) and queues, and a loop sends the queue to the
/// audit writer grain once a second, with the summaries of the failures past the per-minute limit
/// (<c>auth.failed.suppressed</c>). When the queue is full or the grain cannot be reached, failures are dropped and
/// counted: a flood of bad keys while the cluster struggles must not grow this process's memory.
/// <c>audit_auth_failures_total{outcome}</c> counts each failure once: recorded, suppressed or dropped.
/// </summary>
public sealed partial class AuthFailureAudit(AuthFailureLimiter limiter, IGrainFactory grains, TimeProvider clock, ILogger<AuthFailureAudit> logger) : BackgroundService
{
    public const string Setting = "Registry:Audit:AuthFailuresPerMinute";
    public const string Variable = "REGISTRY_AUDIT_AUTH_FAILURES_PER_MINUTE";
    public const int DefaultPerMinute = 60;
    private const int QueueCapacity = 1024;
    private const int BatchSize = 500;
    private const int MaxPathLength = 256;
    private static readonly TimeSpan SendEvery = TimeSpan.FromSeconds(1);

    private static readonly Counter Failures = Prometheus.Metrics.CreateCounter(
        "audit_auth_failures_total", "Refused API keys (unknown, wrong secret, revoked, expired, malformed) by what the audit log made of them.", "outcome");

    // Created with the (singleton) instance, so every series exists at 0 before the first failure.
    private readonly Counter.Child _recorded = Failures.WithLabels("recorded");
    private readonly Counter.Child _suppressed = Failures.WithLabels("suppressed");
    private readonly Counter.Child _dropped = Failures.WithLabels("dropped");

    private readonly Channel<AuthFailureEvent> _queue = Channel.CreateBounded<AuthFailureEvent>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly SemaphoreSlim _sending = new(1, 1);

    /// <summary>Notes a refused key (<paramref name="keyId"/> null: malformed); never waits, never throws.</summary>
    public void Record(HttpContext http, string? keyId, string reason)
    {
        var now = clock.GetUtcNow();
        if (!limiter.TryRecord(now))
        {
            _suppressed.Inc();
            return;
        }

        if (!_queue.Writer.TryWrite(new AuthFailureEvent(now, keyId, reason, ClientIp(http), PathOf(http))))
        {
            _dropped.Inc();
        }
    }

    /// <summary>Sends what is queued and the current minute's suppressed count now (as stopping does).</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) => SendAsync(includeCurrentMinute: true, cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SendEvery, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SendAsync(includeCurrentMinute: false, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await FlushAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Out of time to stop: what is left is lost with the process.
        }
    }

    public override void Dispose()
    {
        _sending.Dispose();
        base.Dispose();
    }

    private async Task SendAsync(bool includeCurrentMinute, CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken);
        try
        {
            var summaries = limiter.TakeSummaries(clock.GetUtcNow(), includeCurrentMinute);
            do
            {
                var failures = new List<AuthFailureEvent>();
                while (failures.Count < BatchSize && _queue.Reader.TryRead(out var failure))
                {
                    failures.Add(failure);
                }

                if (failures.Count == 0 && summaries.Length == 0)
                {
                    return;
                }

                try
                {
                    await grains.GetGrain<IAuditWriterGrain>(0).RecordAuthFailures(new AuthFailureBatch([.. failures], summaries)).WaitAsync(cancellationToken);
                    _recorded.Inc(failures.Count);
                }
                catch (Exception e)
                {
                    _dropped.Inc(failures.Count);
                    LogDropped(logger, e, failures.Count, summaries.Sum(s => s.Count));
                }

                summaries = [];
            }
            while (_queue.Reader.Count > 0 && !cancellationToken.IsCancellationRequested);
        }
        finally
        {
            _sending.Release();
        }
    }

    private static string? ClientIp(HttpContext http)
    {
        var address = http.Connection.RemoteIpAddress;
        return (address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address)?.ToString();
    }

    // Escaped (a NUL or other control character arrives as %00, which jsonb takes), without the query, and bounded.
    private static string PathOf(HttpContext http)
    {
        var path = (http.Request.PathBase + http.Request.Path).ToUriComponent();
        return path.Length <= MaxPathLength ? path : path[..MaxPathLength];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write {Failures} authentication failures (and {Suppressed} counted past the limit) to the audit log; dropped")]
    private static partial void LogDropped(ILogger logger, Exception exception, int failures, long suppressed);
}
