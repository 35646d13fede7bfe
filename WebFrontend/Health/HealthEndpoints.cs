using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansRegistry.WebFrontend.Auth;

namespace OrleansRegistry.WebFrontend.Health;

/// <summary>
/// <c>/health/live</c>: the process answers (no dependency is asked). <c>/health/ready</c>: started, not stopping, and
/// the cluster answers — what takes the process in or out of a load balancer. <c>/health</c>: every dependency's
/// state; a database or artifact store that is down makes it "degraded", not "unhealthy", and leaves readiness alone,
/// since cached protocol reads (what CI runs) still work and writes answer 503 with Retry-After.
/// </summary>
public static class HealthEndpoints
{
    private const string ReadyTag = "ready";
    private const string ProbeReason = "load balancer and Kubernetes probes present no key";

    public static IHealthChecksBuilder AddRegistryHealthChecks(this IServiceCollection services, string? connectionString)
    {
        services.AddSingleton<ReadinessState>();
        services.AddSingleton<RecentHealth>();
        var checks = services.AddHealthChecks()
            .AddCheck<ClusterHealthCheck>("cluster", HealthStatus.Unhealthy, [ReadyTag])
            .AddCheck<ArtifactStoreHealthCheck>("artifact_store", HealthStatus.Degraded, timeout: TimeSpan.FromSeconds(5));
        if (!string.IsNullOrEmpty(connectionString))
        {
            checks.AddNpgSql(connectionString, name: "database", failureStatus: HealthStatus.Degraded, timeout: TimeSpan.FromSeconds(3));
        }

        return checks;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        var state = app.ServiceProvider.GetRequiredService<ReadinessState>();
        var lifetime = app.ServiceProvider.GetRequiredService<IHostApplicationLifetime>();
        lifetime.ApplicationStarted.Register(() => state.Started = true);
        lifetime.ApplicationStopping.Register(() => state.Stopping = true);

        app.MapHealthChecks("/health/live", Options(_ => false)).ExcludeFromDescription().AllowAnonymous(ProbeReason);
        app.MapHealthChecks("/health/ready", Options(check => check.Tags.Contains(ReadyTag))).ExcludeFromDescription().AllowAnonymous(ProbeReason);
        app.MapHealthChecks("/health", Options(_ => true)).ExcludeFromDescription()
            .AllowAnonymous("served on the metrics listener only (ListenerEndpointsMiddleware), read by operators without a key");
        return app;
    }

    private static HealthCheckOptions Options(Func<HealthCheckRegistration, bool> predicate) => new()
    {
        Predicate = predicate,
        ResponseWriter = WriteAsync,
        ResultStatusCodes =
        {
            [HealthStatus.Healthy] = StatusCodes.Status200OK,
            [HealthStatus.Degraded] = StatusCodes.Status200OK,
            [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
        },
    };

    /// <summary><c>{"status":"degraded","checks":{"database":{"status":"degraded","description":"...","duration_ms":3}}}</c>.</summary>
    private static Task WriteAsync(HttpContext http, HealthReport report) => http.Response.WriteAsJsonAsync(new
    {
        status = report.Status.ToString().ToLowerInvariant(),
        checks = report.Entries.ToDictionary(e => e.Key, e => new
        {
            status = e.Value.Status.ToString().ToLowerInvariant(),
            description = e.Value.Description ?? e.Value.Exception?.Message,
            duration_ms = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
        }),
    }, FrontendJson.Options);
}
