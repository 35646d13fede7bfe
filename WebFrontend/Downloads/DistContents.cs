using Microsoft.Extensions.Caching.Memory;
using OrleansRegistry.Storage;

namespace OrleansRegistry.WebFrontend.Downloads;

/// <summary>
/// Small dists' bytes, kept in memory by storage key within a budget, so a hot dist is answered without a file system
/// or store round trip. Stored artifacts never change under their key (new content gets a new key), so a kept copy
/// needs no invalidation; the least recently used go when the budget is full, and any after an idle while.
/// </summary>
public sealed class DistContents : IDisposable
{
    /// <summary>Larger dists are streamed from the store on every request.</summary>
    public const int MaxKeptBytes = 256 * 1024;

    private const long BudgetBytes = 64L * 1024 * 1024;
    private static readonly TimeSpan IdleFor = TimeSpan.FromMinutes(1);
    private readonly MemoryCache _kept = new(new MemoryCacheOptions { SizeLimit = BudgetBytes });

    /// <summary>The dist under <paramref name="storageKey"/> as a ready answer; null when it is not in the store (any more).</summary>
    public async ValueTask<BytesResult?> GetAsync(string storageKey, long size, IArtifactStore store, CancellationToken cancellationToken)
    {
        if (_kept.TryGetValue(storageKey, out BytesResult? kept))
        {
            return kept;
        }

        await using var stream = await store.OpenReadAsync(storageKey, cancellationToken);
        if (stream is null)
        {
            return null;
        }

        var content = new byte[size];
        await stream.ReadExactlyAsync(content, cancellationToken);
        var answer = new BytesResult(content, DistFile.ContentType);
        _kept.Set(storageKey, answer, new MemoryCacheEntryOptions { Size = size, SlidingExpiration = IdleFor });
        return answer;
    }

    public void Dispose() => _kept.Dispose();
}
