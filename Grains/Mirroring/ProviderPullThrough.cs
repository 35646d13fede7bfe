using Microsoft.Extensions.Logging;
using OrleansRegistry.Terraform;

namespace OrleansRegistry.Mirroring;

/// <summary>
/// Pull-through of one provider mirror's activation: the upstream's versions in index.json (cached a while), and
/// fetching a version on demand, one fetch for concurrent callers. Called on the activation's scheduler, so its
/// dictionaries need no locks; the fetches themselves run off it.
/// </summary>
public sealed class ProviderPullThrough(ProviderMirrorSync engine, IGrainFactory grains, MirrorOptions options, TimeProvider clock, ILogger logger)
{
    private readonly Dictionary<string, Task<Outcome>> _pulls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DateTimeOffset At, Task<string[]> Versions)> _upstreamVersions = new(StringComparer.Ordinal);

    /// <summary>Network mirror <c>index.json</c>: stored versions and the upstream's allowed ones; null when not pulled through.</summary>
    public async Task<ProtocolDocument?> IndexAsync(MirrorPlan plan, string ns, string type)
    {
        if (Selection(plan, ns, type) is not { } selection)
        {
            return null;
        }

        var stored = await grains.GetGrain<IProviderGrain>(selection.ProviderKey(ns, type)).GetVersions();
        var versions = stored.Select(v => v.Version).ToHashSet(StringComparer.Ordinal);
        try
        {
            versions.UnionWith(await UpstreamVersionsAsync(plan, selection, ns, type));
        }
        catch (Exception e) when (e is Upstream.UpstreamException or OperationCanceledException)
        {
            // Serve what is stored when the upstream is away; that is what a mirror is for.
            logger.LogWarning("Mirror {Mirror}: upstream versions of {Ns}/{Type} unavailable: {Error}", plan.MirrorId, ns, type, e.Message);
        }

        return versions.Count == 0 ? null : ProviderDocuments.MirrorIndex(versions, clock.GetUtcNow());
    }

    /// <summary>Done when stored; Pending while fetching (past the wait); NotFound when not pulled through or not allowed.</summary>
    public async Task<Outcome> PullAsync(MirrorPlan plan, string ns, string type, string version)
    {
        if (Selection(plan, ns, type) is not { } selection)
        {
            return Outcome.NotFound($"mirror '{plan.MirrorId}' does not pull {ns}/{type} through");
        }

        var key = $"{ns}/{type}@{version}";
        if (!_pulls.TryGetValue(key, out var pull))
        {
            pull = Task.Run(() => engine.PullAsync(plan, selection, ns, type, version, CancellationToken.None));
            _pulls[key] = pull;
            _ = pull.ContinueWith(_ => _pulls.Remove(key), TaskScheduler.Current);
        }

        var finished = await Task.WhenAny(pull, Task.Delay(options.PullThroughWait, clock));
        return finished == pull ? await pull : new(OutcomeCode.Pending, $"fetching {ns}/{type} {version} from the upstream");
    }

    /// <summary>After a sync or a change of settings the cached upstream versions may be out of date.</summary>
    public void ForgetUpstreamVersions() => _upstreamVersions.Clear();

    private static ProviderSelection? Selection(MirrorPlan plan, string ns, string type) =>
        plan.Settings.KindSettings is ProviderMirrorSettings { PullThrough: true } settings && new ProviderSelection(settings) is var selection && selection.Covers(ns, type)
            ? selection
            : null;

    private async Task<string[]> UpstreamVersionsAsync(MirrorPlan plan, ProviderSelection selection, string ns, string type)
    {
        var key = $"{ns}/{type}";
        if (!_upstreamVersions.TryGetValue(key, out var cached) || clock.GetUtcNow() - cached.At > options.UpstreamVersionsCacheTime || cached.Versions.IsFaulted)
        {
            cached = (clock.GetUtcNow(), Task.Run(() => engine.AllowedVersionsAsync(plan, selection, ns, type, CancellationToken.None)));
            _upstreamVersions[key] = cached;
        }

        return await cached.Versions;
    }
}
