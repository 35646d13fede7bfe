namespace OrleansRegistry.WebFrontend.Health;

/// <summary>
/// Where the process is in its life, as readiness reports it: started once the host has started, stopping from the
/// moment it is asked to stop. A stopping process still serves (it is draining), but reports not ready.
/// </summary>
public sealed class ReadinessState
{
    private volatile bool _started;
    private volatile bool _stopping;

    public bool Started
    {
        get => _started;
        set => _started = value;
    }

    public bool Stopping
    {
        get => _stopping;
        set => _stopping = value;
    }

    public bool Ready => _started && !_stopping;
}
