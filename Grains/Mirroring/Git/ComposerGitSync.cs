using System.Text.RegularExpressions;
using OrleansRegistry.Composer;
using OrleansRegistry.Storage;
using OrleansRegistry.Terraform;

namespace OrleansRegistry.Mirroring.Git;

/// <summary>
/// A Composer package from a Git repository: every tag that is a valid version, and every branch as a dev version,
/// each read from its own commit (composer.json included) and published with the commit as reference.
/// </summary>
public sealed partial class ComposerGitSync(GitSource source, IGrainFactory grains, IArtifactStore store) : MirrorEngine<ComposerGitSourceSettings>
{
    protected override async Task RunAsync(MirrorPlan plan, ComposerGitSourceSettings settings, SyncProgress progress, CancellationToken cancellationToken)
    {
        foreach (var (name, commit) in plan.KnownRefs)
        {
            progress.Refs[name] = commit;
        }

        var repository = await source.FetchAsync(plan, progress, cancellationToken);
        if (repository is null)
        {
            return;
        }

        var defaultBranch = await repository.DefaultBranchAsync(cancellationToken);
        var actor = new Actor($"mirror:{plan.MirrorId}", plan.Settings.Name);
        foreach (var gitRef in (await repository.RefsAsync(cancellationToken)).OrderBy(r => r.IsTag ? 0 : 1))
        {
            var version = gitRef.IsTag ? gitRef.ShortName : BranchVersion(gitRef.ShortName);
            if (!ComposerVersion.TryNormalize(version, out _))
            {
                continue; // Not a version (e.g. a tag named "latest"): Composer ignores such refs too.
            }

            var known = plan.KnownRefs.GetValueOrDefault(gitRef.Name);
            if (known == gitRef.Commit)
            {
                progress.VersionSkipped();
                continue;
            }

            if (known is not null && gitRef.IsTag)
            {
                progress.VersionFailed($"tag {gitRef.ShortName} moved from {known[..12]} to {gitRef.Commit[..12]}; version {version} stays at {known[..12]} (delete the version to publish the new commit)");
                continue;
            }

            var problem = await PublishAsync(plan, settings, repository, gitRef, version, gitRef.ShortName == defaultBranch, actor, cancellationToken);
            if (problem is null)
            {
                progress.Added(1, 0);
                progress.Refs[gitRef.Name] = gitRef.Commit;
            }
            else
            {
                progress.VersionFailed($"{gitRef.ShortName}: {problem}");
            }
        }
    }

    private async Task<string?> PublishAsync(MirrorPlan plan, ComposerGitSourceSettings settings, GitRepository repository, GitRef gitRef, string version, bool defaultBranch, Actor actor, CancellationToken cancellationToken)
    {
        var manifestPath = string.IsNullOrEmpty(settings.Path) ? "composer.json" : $"{settings.Path}/composer.json";
        if (await repository.ReadFileAsync(gitRef.Commit, manifestPath, cancellationToken) is null)
        {
            return $"no {manifestPath} at {gitRef.Commit[..12]}";
        }

        var dist = await source.ArchiveAsync(repository, plan, settings, gitRef.Commit, "zip", cancellationToken);
        var problem = await PublishDistAsync(plan, settings, gitRef, version, defaultBranch, actor, dist);
        if (problem is not null)
        {
            await store.DeleteAsync(dist.Key, CancellationToken.None);
        }

        return problem;
    }

    private async Task<string?> PublishDistAsync(MirrorPlan plan, ComposerGitSourceSettings settings, GitRef gitRef, string version, bool defaultBranch, Actor actor, StoredArtifact dist)
    {
        var inspected = await grains.GetGrain<IComposerArchiveGrain>(0).Inspect(dist.Key);
        if (inspected.Error is not null)
        {
            return inspected.Error;
        }

        if (inspected.Name!.Split('/')[0] != settings.Namespace)
        {
            return $"composer.json names '{inspected.Name}', which is not in this source's namespace '{settings.Namespace}'";
        }

        var package = grains.GetGrain<IComposerPackageGrain>(inspected.Name);
        var published = await package.Publish(new ComposerPublish(
            version, dist.Key, dist.Size, dist.Sha1, actor, inspected.ManifestJson!, defaultBranch, Reference: gitRef.Commit, ReplaceDev: !gitRef.IsTag));
        return published.Code switch
        {
            OutcomeCode.Created or OutcomeCode.Unchanged => null,
            // Published by an earlier sync that stopped before recording it: the same commit is the same version.
            OutcomeCode.Conflict when (await package.GetView())?.Versions.Any(v => v.Version == version && v.Reference == gitRef.Commit) == true => null,
            _ => published.Reason,
        };
    }

    /// <summary>Composer's branch naming: numeric branches (1.x, 2.0) become 1.x-dev; others dev-{name}.</summary>
    public static string BranchVersion(string branch) =>
        NumericBranch().IsMatch(branch) ? $"{branch}-dev" : $"dev-{branch}";

    [GeneratedRegex(@"^v?\d+(\.(\d+|x|\*))*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NumericBranch();
}
