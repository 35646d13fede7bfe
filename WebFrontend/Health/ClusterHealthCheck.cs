using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrleansRegistry.WebFrontend.Health;

/// <summary>Whether this process has started (and is not stopping) and the cluster answers a grain call: what readiness needs.</summary>
public sealed class ClusterHealthCheck(ReadinessState readiness, IGrainFactory grains) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!readiness.Ready)
        {
            return HealthCheckResult.Unhealthy(readiness.Stopping ? "stopping: draining what is in flight" : "starting: waiting for the cluster");
        }

        try
        {
            await grains.GetGrain<IPingGrain>(0).Ping().WaitAsync(Timeout, cancellationToken);
            return HealthCheckResult.Healthy("a grain call answered");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"the cluster did not answer a grain call: {e.GetType().Name}");
        }
    }
}
