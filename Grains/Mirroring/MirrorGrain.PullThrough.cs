using Microsoft.Extensions.Logging;
using OrleansRegistry.Terraform;

namespace OrleansRegistry.Mirroring;

/// <summary>Pull-through of a provider mirror: the upstream's versions in index.json, and fetching one on demand.</summary>
public sealed partial class MirrorGrain
{
    private readonly Dictionary<string, Task<Outcome>> _pulls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DateTimeOffset At, Task<string[]> Versions)> _upstreamVersions = new(StringComparer.Ordinal);

    public async Task<ProtocolDocument?> GetPullThroughIndex(string ns, string type)
    {
        if (Settings is not { PullThrough: true } || !Plan().Covers(ns, type))
        {
            return null;
        }

        var stored = await GrainFactory.GetGrain<IProviderGrain>(Plan().ProviderKey(ns, type)).GetVersions();
        var versions = stored.Select(v => v.Version).ToHashSet(StringComparer.Ordinal);
        try
        {
            versions.UnionWith(await UpstreamVersionsAsync(ns, type));
        }
        catch (Exception e) when (e is Upstream.UpstreamException or OperationCanceledException)
        {
            // Serve what is stored when the upstream is away; that is what a mirror is for.
            logger.LogWarning("Mirror {Mirror}: upstream versions of {Ns}/{Type} unavailable: {Error}", Id, ns, type, e.Message);
        }

        return versions.Count == 0 ? null : ProviderDocuments.MirrorIndex(versions, clock.GetUtcNow());
    }

    public async Task<Outcome> PullThrough(string ns, string type, string version)
    {
        if (Settings is not { PullThrough: true } || !Plan().Covers(ns, type))
        {
            return Outcome.NotFound($"mirror '{Id}' does not pull {ns}/{type} through");
        }

        var key = $"{ns}/{type}@{version}";
        if (!_pulls.TryGetValue(key, out var pull))
        {
            var plan = Plan();
            pull = Task.Run(() => engine.PullAsync(plan, ns, type, version, CancellationToken.None));
            _pulls[key] = pull;
            _ = pull.ContinueWith(_ => _pulls.Remove(key), TaskScheduler.Current);
        }

        var finished = await Task.WhenAny(pull, Task.Delay(options.Value.PullThroughWait, clock));
        return finished == pull ? await pull : new(OutcomeCode.Pending, $"fetching {ns}/{type} {version} from the upstream");
    }

    private async Task<string[]> UpstreamVersionsAsync(string ns, string type)
    {
        var key = $"{ns}/{type}";
        if (!_upstreamVersions.TryGetValue(key, out var cached) || clock.GetUtcNow() - cached.At > options.Value.UpstreamVersionsCacheTime || cached.Versions.IsFaulted)
        {
            var plan = Plan();
            cached = (clock.GetUtcNow(), Task.Run(() => engine.AllowedVersionsAsync(plan, ns, type, CancellationToken.None)));
            _upstreamVersions[key] = cached;
        }

        return await cached.Versions;
    }
}
