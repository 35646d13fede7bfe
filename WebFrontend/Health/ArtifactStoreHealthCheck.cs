using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansRegistry.Storage;

namespace OrleansRegistry.WebFrontend.Health;

/// <summary>Whether the artifact store takes a write, gives it back and deletes it (a probe object under <c>health/</c>).</summary>
public sealed class ArtifactStoreHealthCheck(IArtifactStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await ArtifactStoreProbe.ProblemAsync(store, cancellationToken) is { } problem
            ? HealthCheckResult.Unhealthy($"the store refused a probe: {problem}")
            : HealthCheckResult.Healthy("a probe was written, read and deleted");
}
