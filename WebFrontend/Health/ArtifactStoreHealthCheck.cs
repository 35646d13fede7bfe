using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansRegistry.Storage;

namespace OrleansRegistry.WebFrontend.Health;

/// <summary>Whether the artifact store takes a write, gives it back and deletes it (a probe object under <c>health/</c>).</summary>
public sealed class ArtifactStoreHealthCheck(IArtifactStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var key = $"health/probe-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            using (var probe = new MemoryStream("probe"u8.ToArray(), writable: false))
            {
                await store.WriteAsync(key, probe, 16, cancellationToken);
            }

            var found = await store.GetInfoAsync(key, cancellationToken);
            await store.DeleteAsync(key, cancellationToken);
            return found is null ? HealthCheckResult.Unhealthy("a probe written to the store could not be found") : HealthCheckResult.Healthy("a probe was written, read and deleted");
        }
        catch (Exception e) when (e is ArtifactStoreUnavailableException or IOException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Unhealthy($"the store refused a probe: {e.Message}");
        }
    }
}
