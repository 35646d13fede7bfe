using OrleansRegistry.Storage;
using OrleansRegistry.Terraform;
using OrleansRegistry.Versions;

namespace OrleansRegistry.Mirroring.Git;

/// <summary>
/// A Terraform module from a Git repository: every tag matching the tag pattern whose remainder is a semantic
/// version (<c>v1.2.0</c> → 1.2.0) becomes that version, archived from the tag's own commit.
/// </summary>
public sealed class ModuleGitSync(GitSource source, IGrainFactory grains, IArtifactStore store) : MirrorEngine<ModuleGitSourceSettings>
{
    protected override async Task RunAsync(MirrorPlan plan, ModuleGitSourceSettings settings, SyncProgress progress, CancellationToken cancellationToken)
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

        var module = grains.GetGrain<IModuleGrain>($"{settings.Namespace}/{settings.ModuleName}/{settings.System}");
        var actor = new Actor($"mirror:{plan.MirrorId}", plan.Settings.Name);
        foreach (var tag in (await repository.RefsAsync(cancellationToken)).Where(r => r.IsTag))
        {
            if (VersionOf(tag.ShortName, settings.TagPattern ?? "v*") is not { } version)
            {
                continue;
            }

            var known = plan.KnownRefs.GetValueOrDefault(tag.Name);
            if (known == tag.Commit)
            {
                progress.VersionSkipped();
                continue;
            }

            if (known is not null)
            {
                progress.VersionFailed($"tag {tag.ShortName} moved from {known[..12]} to {tag.Commit[..12]}; version {version} stays at {known[..12]} (delete the version to publish the new commit)");
                continue;
            }

            var archive = await source.ArchiveAsync(repository, plan, settings, tag.Commit, "tar.gz", cancellationToken);
            var published = await module.Publish(new ModulePublish(version, archive.Key, archive.Size, archive.Sha256, ArchiveFormat.TarGz, actor));
            if (published.Code == OutcomeCode.Created)
            {
                progress.Added(1, 0);
                progress.Refs[tag.Name] = tag.Commit;
                continue;
            }

            await store.DeleteAsync(archive.Key, CancellationToken.None);
            if (published.Code is OutcomeCode.Unchanged or OutcomeCode.Conflict && known is null)
            {
                // Uploaded, or published by a sync that stopped before recording the tag: keep what is there.
                progress.Refs[tag.Name] = tag.Commit;
                progress.VersionSkipped();
                continue;
            }

            progress.VersionFailed($"{tag.ShortName}: {published.Reason}");
        }
    }

    /// <summary>The version a tag names under a glob pattern (<c>v*</c>, <c>release-*</c>), or null when it names none.</summary>
    public static string? VersionOf(string tag, string pattern)
    {
        var star = pattern.IndexOf('*', StringComparison.Ordinal);
        var (prefix, suffix) = star < 0 ? (pattern, "") : (pattern[..star], pattern[(star + 1)..]);
        if (star < 0 ? tag != pattern : !tag.StartsWith(prefix, StringComparison.Ordinal) || !tag.EndsWith(suffix, StringComparison.Ordinal) || tag.Length < prefix.Length + suffix.Length)
        {
            return null;
        }

        var rest = star < 0 ? tag : tag[prefix.Length..^suffix.Length];
        return SemanticVersion.TryParse(rest, out var version, out _) ? version.ToString() : null;
    }
}
