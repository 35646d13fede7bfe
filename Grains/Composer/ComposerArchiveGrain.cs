using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OrleansRegistry.Archives;
using OrleansRegistry.Storage;

namespace OrleansRegistry.Composer;

[StatelessWorker, GrainType("composer-archive")]
public sealed class ComposerArchiveGrain(IArtifactStore store, IOptions<ArchiveLimits> limits) : Grain, IComposerArchiveGrain
{
    public async Task<ComposerManifestResult> Inspect(string storageKey)
    {
        await using var zip = await store.OpenSeekableAsync(storageKey, CancellationToken.None);
        if (zip is null)
        {
            return new(null, null, "the upload is missing from the artifact store");
        }

        try
        {
            var manifest = await ComposerManifest.ReadAsync(zip, limits.Value, CancellationToken.None);
            if (ComposerManifest.Validate(manifest) is { } problem)
            {
                return new(null, null, problem);
            }

            return new(manifest["name"]!.GetValue<string>(), manifest.ToJsonString(), null);
        }
        catch (InvalidArchiveException e)
        {
            return new(null, null, e.Message);
        }
    }
}
