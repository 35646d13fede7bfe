using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRegistry.Archives;
using OrleansRegistry.Mirroring.Upstream;
using OrleansRegistry.Storage;
using OrleansRegistry.Terraform;

namespace OrleansRegistry.Mirroring;

/// <summary>
/// Copies providers from an upstream registry: for each selected version, has the <see cref="ProviderVersionFetcher"/>
/// fetch and verify the platforms the provider grain lacks, and imports them in batches. Pull-through fetches one
/// version on demand the same way. Runs off the grain scheduler.
/// </summary>
public sealed class ProviderMirrorSync(
    IHttpClientFactory clients,
    IArtifactStore store,
    IGrainFactory grains,
    IOptions<MirrorOptions> options,
    IOptions<ArchiveLimits> limits,
    TimeProvider clock,
    ILogger<ProviderMirrorSync> logger) : MirrorEngine<ProviderMirrorSettings>
{
    public const string HttpClientName = "mirror-upstream";

    private readonly ProviderVersionFetcher _fetcher = new(store, options.Value, limits.Value, clock, logger);

    private MirrorOptions Options => options.Value;

    public TerraformUpstream Connect(MirrorPlan plan) =>
        new(new UpstreamHttp(clients.CreateClient(HttpClientName), new Uri(plan.Settings.UpstreamUrl), plan.Credentials, plan.Settings.AllowInsecure, Options, clock));

    protected override async Task RunAsync(MirrorPlan plan, ProviderMirrorSettings settings, SyncProgress progress, CancellationToken cancellationToken)
    {
        var selection = new ProviderSelection(settings);
        var upstream = Connect(plan);
        try
        {
            await upstream.ProvidersBaseAsync(cancellationToken);
        }
        catch (UpstreamException e)
        {
            progress.Error($"the upstream {plan.Settings.UpstreamUrl} is not usable: {e.Message}");
            return;
        }

        var downloads = new SemaphoreSlim(Math.Max(1, Options.MaxConcurrentDownloads));
        foreach (var (ns, type) in await ExpandAsync(settings, upstream, progress, cancellationToken))
        {
            await SyncProviderAsync(plan, selection, upstream, ns, type, downloads, progress, cancellationToken);
        }
    }

    /// <summary>The upstream versions a pull-through mirror offers for a provider (stored or not).</summary>
    public async Task<string[]> AllowedVersionsAsync(MirrorPlan plan, ProviderSelection selection, string ns, string type, CancellationToken cancellationToken) =>
        [.. selection.Select(await Connect(plan).GetVersionsAsync(ns, type, cancellationToken)).Select(v => v.Version)];

    /// <summary>Fetches, verifies and imports one version on demand.</summary>
    public async Task<Outcome> PullAsync(MirrorPlan plan, ProviderSelection selection, string ns, string type, string version, CancellationToken cancellationToken)
    {
        var upstream = Connect(plan);
        (string Version, string[] Protocols, string[] Platforms) wanted;
        try
        {
            wanted = selection.Select(await upstream.GetVersionsAsync(ns, type, cancellationToken)).FirstOrDefault(v => v.Version == version);
        }
        catch (UpstreamException e)
        {
            MirrorMetrics.SyncErrors.WithLabels(plan.MirrorId).Inc();
            return new(OutcomeCode.Failed, $"{selection.ProviderKey(ns, type)}: {e.Message}");
        }

        if (wanted.Version is null)
        {
            return Outcome.NotFound($"the upstream has no version {version} of {ns}/{type} that this mirror's filters allow");
        }

        using var downloads = new SemaphoreSlim(Math.Max(1, Options.MaxConcurrentDownloads));
        var outcome = await _fetcher.FetchVersionAsync(
            plan.MirrorId, upstream, selection.ProviderKey(ns, type), ns, type, wanted.Version, wanted.Platforms, downloads, cancellationToken);
        foreach (var (_, error) in outcome.Failures)
        {
            MirrorMetrics.SyncErrors.WithLabels(plan.MirrorId).Inc();
            logger.LogWarning("Mirror {Mirror} pull-through: {Error}", plan.MirrorId, error);
        }

        // A client waits on this answer: serve the version whole or explain, rather than hand out some platforms.
        if (outcome.Import is null || outcome.Failures.Count > 0)
        {
            return new(OutcomeCode.Failed, string.Join("; ", outcome.Failures.Select(f => f.Error)));
        }

        var added = await grains.GetGrain<IProviderGrain>(selection.ProviderKey(ns, type)).Import([outcome.Import]);
        MirrorMetrics.PlatformsAdded.WithLabels(plan.MirrorId).Inc(added);
        return Outcome.Done;
    }

    private static async Task<List<(string Namespace, string Type)>> ExpandAsync(
        ProviderMirrorSettings settings, TerraformUpstream upstream, SyncProgress progress, CancellationToken cancellationToken)
    {
        var providers = new List<(string, string)>();
        foreach (var pattern in settings.Providers.Select(ProviderPattern.Parse).OfType<ProviderPattern>())
        {
            if (!pattern.IsWildcard)
            {
                providers.Add((pattern.Namespace, pattern.Type!));
                continue;
            }

            try
            {
                providers.AddRange((await upstream.ListTypesAsync(pattern.Namespace, cancellationToken)).Select(t => (pattern.Namespace, t)));
            }
            catch (UpstreamException e)
            {
                progress.Error(e.Message);
            }
        }

        return [.. providers.Distinct()];
    }

    private async Task SyncProviderAsync(
        MirrorPlan plan, ProviderSelection selection, TerraformUpstream upstream, string ns, string type, SemaphoreSlim downloads, SyncProgress progress,
        CancellationToken cancellationToken)
    {
        var key = selection.ProviderKey(ns, type);
        List<(string Version, string[] Protocols, string[] Platforms)> wanted;
        try
        {
            wanted = selection.Select(await upstream.GetVersionsAsync(ns, type, cancellationToken));
        }
        catch (UpstreamException e)
        {
            progress.Error($"{ns}/{type}: {e.Message}");
            return;
        }

        var provider = grains.GetGrain<IProviderGrain>(key);
        var stored = (await provider.GetVersions()).ToDictionary(v => v.Version, v => v.Platforms.Select(p => $"{p.Os}_{p.Arch}").ToHashSet());
        var batch = new List<ProviderImport>();
        using var flushing = new SemaphoreSlim(1);

        async Task FlushAsync(bool whenFull)
        {
            await flushing.WaitAsync(cancellationToken);
            try
            {
                if (batch.Count == 0 || (whenFull && batch.Count < Options.ImportBatchSize))
                {
                    return;
                }

                var imports = batch.ToArray();
                batch.Clear();
                var added = await provider.Import(imports);
                progress.Added(imports.Count(i => !stored.ContainsKey(i.Version)), added);
                MirrorMetrics.PlatformsAdded.WithLabels(plan.MirrorId).Inc(added);
            }
            finally
            {
                flushing.Release();
            }
        }

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Options.MaxConcurrentDownloads), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(wanted, parallel, async (version, token) =>
        {
            var present = stored.GetValueOrDefault(version.Version) ?? [];
            var missing = version.Platforms.Where(p => !present.Contains(p)).ToArray();
            progress.Skipped(version.Platforms.Length - missing.Length);
            if (missing.Length == 0)
            {
                return;
            }

            var outcome = await _fetcher.FetchVersionAsync(plan.MirrorId, upstream, key, ns, type, version.Version, missing, downloads, token);
            foreach (var (platforms, error) in outcome.Failures)
            {
                progress.Failed(platforms, error);
            }

            if (outcome.Import is not null)
            {
                await flushing.WaitAsync(token);
                batch.Add(outcome.Import);
                flushing.Release();
                await FlushAsync(whenFull: true);
            }
        });
        await FlushAsync(whenFull: false);
    }
}
