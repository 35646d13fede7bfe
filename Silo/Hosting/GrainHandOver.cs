using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using Orleans.Concurrency;
using Orleans.Runtime.Placement;

namespace OrleansRegistry.Silo.Hosting;

/// <summary>
/// A silo asked to stop (SIGTERM, a rolling deploy) first moves the registry's recently used grains to the other
/// active silos — Orleans' live migration: each grain's state goes with it, so the next call finds it ready instead of
/// reading it back from PostgreSQL — and only then lets Orleans deactivate what is left (grains idle for a while,
/// which are cheap to activate again). Targets are spread round-robin through placement hints. With no other silo,
/// nothing moves and the grains deactivate as before. Stateless workers are not moved (they have no state).
/// </summary>
public sealed partial class GrainHandOver(IClusterMembershipService membership, ILocalSiloDetails localSilo, ILogger<GrainHandOver> logger)
    : ILifecycleParticipant<ISiloLifecycle>, IActivationWorkingSetObserver
{
    /// <summary>How long the hand-over may take before Orleans' own shutdown deactivates what has not moved.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    private static readonly ConcurrentDictionary<Type, bool> Movable = new();
    private readonly ConcurrentDictionary<IGrainContext, byte> _recent = new();

    /// <summary>
    /// Stops run from the last stage down. At <see cref="ServiceLifecycleStage.Active"/> this silo's gateway tells the
    /// frontends to send elsewhere; one stage later, before Orleans deactivates grains, they move. (Moved earlier, a
    /// frontend still sending through this gateway could lose the answer of a call to a moving grain: measured in the
    /// chaos test as a 30 s wait, then a 503.)
    /// </summary>
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(GrainHandOver), ServiceLifecycleStage.GrainDeactivation + 1, _ => Task.CompletedTask, HandOverAsync);

    void IActivationWorkingSetObserver.OnActive(IActivationWorkingSetMember member) => Track(member);

    void IActivationWorkingSetObserver.OnAdded(IActivationWorkingSetMember member) => Track(member);

    void IActivationWorkingSetObserver.OnEvicted(IActivationWorkingSetMember member) => Forget(member);

    void IActivationWorkingSetObserver.OnDeactivating(IActivationWorkingSetMember member) => Forget(member);

    void IActivationWorkingSetObserver.OnDeactivated(IActivationWorkingSetMember member) => Forget(member);

    private void Track(IActivationWorkingSetMember member)
    {
        if (member is IGrainContext { GrainInstance: { } grain } context && Movable.GetOrAdd(grain.GetType(), IsMovable))
        {
            _recent.TryAdd(context, 0);
        }
    }

    private void Forget(IActivationWorkingSetMember member)
    {
        if (member is IGrainContext context)
        {
            _recent.TryRemove(context, out _);
        }
    }

    /// <summary>The registry's grain state classes (<c>ModuleState</c>, ...): JSON for storage, without generated codecs.</summary>
    public static bool IsGrainState(Type type) =>
        type.Namespace?.StartsWith("OrleansRegistry", StringComparison.Ordinal) == true && type.Name.EndsWith("State", StringComparison.Ordinal)
        && type.IsClass && !type.IsDefined(typeof(GenerateSerializerAttribute), inherit: false);

    private static bool IsMovable(Type grain) =>
        grain.Namespace?.StartsWith("OrleansRegistry", StringComparison.Ordinal) == true && grain.GetCustomAttribute<StatelessWorkerAttribute>() is null;

    private async Task HandOverAsync(CancellationToken stopping)
    {
        var targets = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(localSilo.SiloAddress))
            .Select(m => m.SiloAddress)
            .ToArray();
        var grains = _recent.Keys.ToArray();
        if (targets.Length == 0 || grains.Length == 0)
        {
            LogNothingToHandOver(logger, grains.Length, targets.Length);
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var moved = new Task[grains.Length];
        for (var i = 0; i < grains.Length; i++)
        {
            grains[i].Migrate(new Dictionary<string, object> { [IPlacementDirector.PlacementHintKey] = targets[i % targets.Length] }, stopping);
            moved[i] = grains[i].Deactivated;
        }

        try
        {
            await Task.WhenAll(moved).WaitAsync(Limit, stopping);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // Orleans' shutdown deactivates whatever is still here; nothing acknowledged is lost either way.
        }

        LogHandedOver(logger, moved.Count(t => t.IsCompleted), grains.Length, targets.Length, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Handed {Moved} of {Recent} recently used grains over to {Silos} other silo(s) in {Seconds:0.00} s")]
    private static partial void LogHandedOver(ILogger logger, int moved, int recent, int silos, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "No grain hand-over: {Recent} recently used grains, {Silos} other active silo(s)")]
    private static partial void LogNothingToHandOver(ILogger logger, int recent, int silos);
}
