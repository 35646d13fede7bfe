namespace OrleansRegistry.Mirroring;

/// <summary>What a sync does for one kind of mirror. Runs off the grain scheduler; reports through the progress.</summary>
public interface IMirrorEngine
{
    /// <summary>Whether this engine syncs mirrors with these settings (of its kind).</summary>
    bool Syncs(MirrorKindSettings settings);

    Task RunAsync(MirrorPlan plan, SyncProgress progress, CancellationToken cancellationToken);
}

/// <summary>An engine for the mirrors whose kind has settings of type <typeparamref name="TSettings"/>.</summary>
public abstract class MirrorEngine<TSettings> : IMirrorEngine
    where TSettings : MirrorKindSettings
{
    public bool Syncs(MirrorKindSettings settings) => settings is TSettings;

    public Task RunAsync(MirrorPlan plan, SyncProgress progress, CancellationToken cancellationToken) =>
        RunAsync(plan, (TSettings)plan.Settings.KindSettings, progress, cancellationToken);

    protected abstract Task RunAsync(MirrorPlan plan, TSettings settings, SyncProgress progress, CancellationToken cancellationToken);
}
