using Microsoft.Extensions.Options;
using OrleansRegistry.Mirroring.Upstream;

namespace OrleansRegistry.Mirroring.ComposerRepository;

/// <summary>
/// A sync of a composer-repository mirror. Lazy mirrors fetch on demand, so their sync only revalidates nothing;
/// eager ones fetch both p2 files and every dist of every selected package (vendor/* through the upstream's list
/// API), so installs never wait on the upstream.
/// </summary>
public sealed class ComposerRepositorySync(IGrainFactory grains, IHttpClientFactory clients, IOptions<MirrorOptions> options, TimeProvider clock) : MirrorEngine<ComposerRepositoryMirrorSettings>
{
    protected override async Task RunAsync(MirrorPlan plan, ComposerRepositoryMirrorSettings settings, SyncProgress progress, CancellationToken cancellationToken)
    {
        if (settings.Mode != "eager")
        {
            return;
        }

        var upstream = new ComposerUpstream(new UpstreamHttp(
            clients.CreateClient(ProviderMirrorSync.HttpClientName), new Uri(plan.Settings.UpstreamUrl), plan.Credentials, plan.Settings.AllowInsecure,
            options.Value, clock, settings.UserAgent));
        var packages = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var pattern in settings.Packages ?? [])
        {
            if (!pattern.EndsWith("/*", StringComparison.Ordinal))
            {
                packages.Add(pattern);
                continue;
            }

            try
            {
                packages.UnionWith(await upstream.ListAsync(pattern, cancellationToken));
            }
            catch (UpstreamException e)
            {
                progress.Error(e.Message);
            }
        }

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Value.MaxConcurrentDownloads), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(packages, parallel, async (package, token) =>
        {
            var proxy = grains.GetGrain<IComposerMirrorPackageGrain>($"{plan.MirrorId}/{package}");
            var tags = await proxy.GetMetadata(dev: false, "", holder: null);
            var dev = await proxy.GetMetadata(dev: true, "", holder: null);
            if (tags is null && dev is null)
            {
                progress.VersionFailed($"{package}: the upstream has no such package (or could not be reached and nothing is kept)");
                return;
            }

            foreach (var dist in await proxy.ListDists())
            {
                if (dist.Stored)
                {
                    progress.VersionSkipped();
                    continue;
                }

                Outcome<string> result;
                do
                {
                    token.ThrowIfCancellationRequested();
                    result = await proxy.GetDist(dist.VersionNormalized, dist.Reference, holder: null);
                }
                while (result.Code == OutcomeCode.Pending);

                if (result.Succeeded)
                {
                    progress.Added(1, 0);
                }
                else
                {
                    progress.VersionFailed(result.Reason ?? $"{package} {dist.VersionNormalized}: not available");
                }
            }
        });
    }
}
