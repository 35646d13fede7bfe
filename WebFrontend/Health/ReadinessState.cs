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
