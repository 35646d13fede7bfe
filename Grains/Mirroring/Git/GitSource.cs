using Microsoft.Extensions.Options;
using OrleansRegistry.Storage;

namespace OrleansRegistry.Mirroring.Git;

/// <summary>What both Git source kinds share: fetching the repository and storing a ref's archive once.</summary>
public sealed class GitSource(IArtifactStore store, IOptions<MirrorOptions> options)
{
    private MirrorOptions Options => options.Value;

    /// <summary>Fetches the source; a failure is reported in the sync and ends it.</summary>
    public async Task<GitRepository?> FetchAsync(MirrorPlan plan, SyncProgress progress, CancellationToken cancellationToken)
    {
        try
        {
            return await GitRepository.FetchAsync(Options.GitCacheDirectory!, plan.MirrorId, plan.Settings.UpstreamUrl, plan.Credentials, Options.GitTimeout, cancellationToken);
        }
        catch (GitException e)
        {
            progress.Error($"cannot fetch {plan.Settings.UpstreamUrl}: {e.Message}");
            return null;
        }
    }

    /// <summary>
    /// The archive of a commit (at the source's path), built once under a key derived from the commit, so a
    /// published version's bytes, sha and reference never change.
    /// </summary>
    public async Task<StoredArtifact> ArchiveAsync(GitRepository repository, MirrorPlan plan, IGitSourceSettings settings, string commit, string format, CancellationToken cancellationToken)
    {
        var extension = format == "zip" ? "zip" : "tar.gz";
        var key = $"sources/{plan.MirrorId}/{commit}/{GitRepository.PathTag(settings.Path)}.{extension}";
        var scratch = Path.Combine(Options.GitCacheDirectory!, $"{plan.MirrorId}-{Guid.NewGuid():N}.{extension}");
        try
        {
            await using (var file = File.Create(scratch))
            {
                await repository.ArchiveAsync(commit, settings.Path, format, file, cancellationToken);
            }

            await using var content = File.OpenRead(scratch);
            return await store.WriteAsync(key, content, Options.MaxArchiveBytes, cancellationToken);
        }
        finally
        {
            File.Delete(scratch);
        }
    }
}
