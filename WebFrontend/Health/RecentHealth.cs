using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrleansRegistry.WebFrontend.Health;

/// <summary>The health checks' report as of <see cref="At"/>.</summary>
public sealed record HealthSnapshot(HealthReport Report, DateTimeOffset At);

/// <summary>
/// The health report the web UI's system page shows, run at most once every <see cref="MaxAge"/> however often the
/// page is viewed: a run writes a probe to the artifact store and asks the database and the cluster (11 ms at best,
/// the store's I/O at worst). Views in the meantime share the last run, or the one under way.
/// </summary>
public sealed class RecentHealth(HealthCheckService health, TimeProvider clock)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(15);

    private readonly Lock _gate = new();
    private Task<HealthSnapshot>? _latest;

    /// <summary>The last report, or a new one when it is older than <see cref="MaxAge"/> or <paramref name="fresh"/> is asked for.</summary>
    public Task<HealthSnapshot> GetAsync(bool fresh = false)
    {
        lock (_gate)
        {
            if (_latest is not { } latest
                || (latest.IsCompleted && (fresh || clock.GetUtcNow() - latest.Result.At > MaxAge)))
            {
                _latest = RunAsync();
            }

            return _latest;
        }
    }

    // Not the viewer's request token: the run is shared, and each check has its own timeout.
    private async Task<HealthSnapshot> RunAsync()
    {
        var at = clock.GetUtcNow();
        return new HealthSnapshot(await health.CheckHealthAsync(CancellationToken.None), at);
    }
}
