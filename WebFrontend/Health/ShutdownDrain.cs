using Microsoft.Extensions.Options;

namespace OrleansRegistry.WebFrontend.Health;

/// <summary>Frontend settings of a graceful stop: <c>Registry:ShutdownDrainDelay</c> (<c>REGISTRY_SHUTDOWN_DRAIN_DELAY</c>).</summary>
public sealed class ShutdownDrainOptions
{
    /// <summary>
    /// How long a stopping frontend keeps serving while reporting not ready, before it stops taking connections:
    /// long enough for the load balancer's readiness probe (or Kubernetes' endpoint removal) to move traffic away.
    /// </summary>
    public TimeSpan ShutdownDrainDelay { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// On SIGTERM a frontend turns not ready at once, keeps serving for <see cref="ShutdownDrainOptions.ShutdownDrainDelay"/>
/// so the balancer stops sending it requests, and only then lets the server stop, which finishes what is in flight.
/// Stopping the server at once would refuse the requests still being routed to it.
/// </summary>
public sealed class ShutdownDrain(ReadinessState readiness, IOptions<ShutdownDrainOptions> options) : IHostedLifecycleService
{
    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        readiness.Stopping = true;
        return Task.Delay(options.Value.ShutdownDrainDelay, cancellationToken);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
