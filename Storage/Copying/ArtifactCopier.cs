using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace OrleansRegistry.Storage.Copying;

/// <summary>What a copy did: each referenced artifact is copied, found already there, or missing from the source.</summary>
public sealed record CopyReport(int Copied, int AlreadyThere, IReadOnlyList<string> MissingFromSource, IReadOnlyList<string> Failed);

/// <summary>
/// Copies artifacts from one store to another, verifying each: the bytes received have the source's listed size, and
/// the target's copy read back has their SHA-256. Idempotent and resumable: an artifact already in the target with the same size and hash is left
/// as it is, and stores only show complete writes, so a copy cut short is finished by running it again.
/// </summary>
public sealed class ArtifactCopier(IArtifactStore source, IArtifactStore target, int parallelism = 4)
{
    /// <param name="progress">Called with each key when it is done (copied or already there).</param>
    public async Task<CopyReport> CopyAsync(IReadOnlyCollection<string> keys, Action<string>? progress, CancellationToken cancellationToken)
    {
        var sourceSizes = await SizesAsync(source, cancellationToken);
        var targetSizes = await SizesAsync(target, cancellationToken);
        int copied = 0, alreadyThere = 0;
        var missing = new ConcurrentBag<string>();
        var failed = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(keys.Order(StringComparer.Ordinal), new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (key, ct) =>
        {
            if (!sourceSizes.TryGetValue(key, out var size))
            {
                missing.Add(key);
                return;
            }

            try
            {
                if (targetSizes.TryGetValue(key, out var existing) && existing == size
                    && await HashAsync(target, key, ct) is { } there && there == await HashAsync(source, key, ct))
                {
                    Interlocked.Increment(ref alreadyThere);
                }
                else
                {
                    StoredArtifact stored;
                    await using (var content = await source.OpenReadAsync(key, ct) ?? throw new FileNotFoundException($"{key} disappeared from the source"))
                    {
                        // The target hashes what it receives: the source's bytes.
                        stored = await target.WriteAsync(key, content, long.MaxValue, ct);
                    }

                    if (stored.Size != size || await HashAsync(target, key, ct) != stored.Sha256)
                    {
                        throw new InvalidDataException($"{key}: the copy read back from the target does not have the source's SHA-256");
                    }

                    Interlocked.Increment(ref copied);
                }

                progress?.Invoke(key);
            }
            catch (Exception e) when (e is ArtifactStoreUnavailableException or IOException or InvalidDataException)
            {
                failed.Add($"{key}: {e.Message}");
            }
        });

        return new CopyReport(copied, alreadyThere, [.. missing.Order(StringComparer.Ordinal)], [.. failed.Order(StringComparer.Ordinal)]);
    }

    private static async Task<Dictionary<string, long>> SizesAsync(IArtifactStore store, CancellationToken cancellationToken)
    {
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        await foreach (var artifact in store.ListAsync("", cancellationToken))
        {
            sizes[artifact.Key] = artifact.Size;
        }

        return sizes;
    }

    private static async Task<string?> HashAsync(IArtifactStore store, string key, CancellationToken cancellationToken)
    {
        await using var stream = await store.OpenReadAsync(key, cancellationToken);
        return stream is null ? null : Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }
}
