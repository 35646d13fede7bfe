namespace OrleansRegistry.WebFrontend.Health;

/// <summary>Set once the host has started and cleared when it begins stopping, so load balancers drain first.</summary>
public sealed class ReadinessState
{
    private volatile bool _started;

    public bool Started
    {
        get => _started;
        set => _started = value;
    }
}

public static class HealthEndpoints
{
    private static readonly TimeSpan ClusterProbeTimeout = TimeSpan.FromSeconds(3);

    /// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: the cluster answers a grain call.</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        var state = app.ServiceProvider.GetRequiredService<ReadinessState>();
        var lifetime = app.ServiceProvider.GetRequiredService<IHostApplicationLifetime>();
        lifetime.ApplicationStarted.Register(() => state.Started = true);
        lifetime.ApplicationStopping.Register(() => state.Started = false);

        var health = app.MapGroup("/health").WithTags("Health").ExcludeFromDescription();
        health.MapGet("/live", () => TypedResults.Json(new { status = "live" }));
        health.MapGet("/ready", async (IGrainFactory grains, CancellationToken cancellationToken) =>
        {
            if (!state.Started)
            {
                return Results.Json(new { status = "not ready: starting (waiting for the cluster) or stopping" }, statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            try
            {
                await grains.GetGrain<IPingGrain>(0).Ping().WaitAsync(ClusterProbeTimeout, cancellationToken);
                return Results.Json(new { status = "ready" });
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return Results.Json(new { status = "cluster unavailable" }, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
        return app;
    }
}
