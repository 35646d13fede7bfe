using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace OrleansRegistry.Storage;

/// <summary>
/// The start-up check of the artifact store: a probe object under <c>health/</c> is written, read back and deleted,
/// so a process with an unusable store stops at once with the store's reason, rather than failing its first upload.
/// </summary>
public static class ArtifactStoreProbe
{
    /// <summary>Null when the store took, gave back and deleted the probe; else what went wrong, in words an operator can act on.</summary>
    public static async Task<string?> ProblemAsync(IArtifactStore store, CancellationToken cancellationToken)
    {
        var key = $"health/probe-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            using (var probe = new MemoryStream("probe"u8.ToArray(), writable: false))
            {
                await store.WriteAsync(key, probe, 16, cancellationToken);
            }

            var found = await store.GetInfoAsync(key, cancellationToken);
            await store.DeleteAsync(key, cancellationToken);
            return found is null ? "a probe written to the artifact store could not be found again" : null;
        }
        catch (Exception e) when (e is ArtifactStoreUnavailableException or IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// The start-up check of a process: false, after one line on standard error saying why, when the store fails it.
    /// The bucket or container is created first when the settings ask for it.
    /// </summary>
    public static async Task<bool> PassesAtStartUpAsync(IServiceProvider services)
    {
        var store = services.GetRequiredService<IArtifactStore>();
        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var problem = options.CreateIfMissing ? await CreationProblemAsync(store) : null;
        problem ??= await ProblemAsync(store, CancellationToken.None);
        if (problem is null)
        {
            return true;
        }

        await Console.Error.WriteLineAsync($"error: the artifact store failed its start-up check: {problem}");
        return false;
    }

    private static async Task<string?> CreationProblemAsync(IArtifactStore store)
    {
        try
        {
            await store.CreateIfMissingAsync(CancellationToken.None);
            return null;
        }
        catch (ArtifactStoreUnavailableException e)
        {
            return e.Message;
        }
    }
}
