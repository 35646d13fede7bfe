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
        bool written = false, deleted = false;
        try
        {
            using (var probe = new MemoryStream(ProbeBytes, writable: false))
            {
                await store.WriteAsync(key, probe, ProbeBytes.Length, cancellationToken);
                written = true;
            }

            await using var read = await store.OpenReadAsync(key, cancellationToken);
            if (read is null)
            {
                return "a probe written to the artifact store could not be found again";
            }

            using var copy = new MemoryStream();
            await read.CopyToAsync(copy, cancellationToken);
            if (!copy.ToArray().AsSpan().SequenceEqual(ProbeBytes))
            {
                return "a probe read back from the artifact store had other bytes than were written";
            }

            await store.DeleteAsync(key, cancellationToken);
            deleted = true;
            return null;
        }
        catch (Exception e) when (e is ArtifactStoreUnavailableException or IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
        finally
        {
            if (written && !deleted)
            {
                await DeleteQuietlyAsync(store, key);
            }
        }
    }

    private static readonly byte[] ProbeBytes = "orleans-registry probe"u8.ToArray();

    /// <summary>After a failed check, the probe goes if it can; one left behind is harmless (`storage copy` never copies it).</summary>
    private static async Task DeleteQuietlyAsync(IArtifactStore store, string key)
    {
        try
        {
            await store.DeleteAsync(key, CancellationToken.None);
        }
        catch (Exception e) when (e is ArtifactStoreUnavailableException or IOException or UnauthorizedAccessException)
        {
            // The check's own failure is the answer; this one would only repeat it.
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
