namespace OrleansRegistry.Mirroring;

/// <summary>What a sync does for one kind of mirror. Runs off the grain scheduler; reports through the progress.</summary>
public interface IMirrorEngine
{
    string Kind { get; }

    Task RunAsync(MirrorPlan plan, SyncProgress progress, CancellationToken cancellationToken);
}
