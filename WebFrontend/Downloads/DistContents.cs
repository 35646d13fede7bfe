using Microsoft.Extensions.Caching.Memory;
using Microsoft.Net.Http.Headers;
using OrleansRegistry.Storage;

namespace OrleansRegistry.WebFrontend.Downloads;

/// <summary>
/// Small dists' bytes, kept in memory by storage key within a budget, so a hot dist is answered without a file system
/// or store round trip. A key's content does not change while it is stored (new content gets a new key, and a key
/// reused for the same commit or reference holds the same bytes); a kept copy whose size no longer matches the store
/// is read again. The least recently used go when the budget is full, and any after an idle while.
/// </summary>
public sealed class DistContents : IDisposable
{
    /// <summary>Larger dists are streamed from the store on every request.</summary>
    public const int MaxKeptBytes = 256 * 1024;

    private const long BudgetBytes = 64L * 1024 * 1024;
    private static readonly TimeSpan IdleFor = TimeSpan.FromMinutes(1);
    private readonly MemoryCache _kept = new(new MemoryCacheOptions { SizeLimit = BudgetBytes });

    /// <summary>The dist <paramref name="stored"/> as a ready answer; null when the store holds other bytes than expected.</summary>
    public async ValueTask<IResult?> GetAsync(ArtifactInfo stored, IArtifactStore store, CancellationToken cancellationToken)
    {
        if (_kept.TryGetValue(stored.Key, out KeptDist? kept) && kept!.Length == stored.Size)
        {
            return kept;
        }

        await using var stream = await store.OpenReadAsync(stored.Key, cancellationToken);
        if (stream is null)
        {
            return null;
        }

        var content = new byte[stored.Size];
        if (await stream.ReadAtLeastAsync(content, content.Length, throwOnEndOfStream: false, cancellationToken) != content.Length)
        {
            return null;
        }

        kept = new KeptDist(content, stored.LastModified);
        _kept.Set(stored.Key, kept, new MemoryCacheEntryOptions { Size = content.Length, SlidingExpiration = IdleFor });
        return kept;
    }

    public void Dispose() => _kept.Dispose();

    /// <summary>A small dist's answer, made once: its bytes with the headers a file answer has (Last-Modified, no ETag).</summary>
    private sealed class KeptDist(byte[] content, DateTimeOffset lastModified) : IResult
    {
        private readonly BytesResult _body = new(content, DistFile.ContentType);
        private readonly string _lastModified = HeaderUtilities.FormatDate(lastModified);

        public int Length => _body.Bytes.Length;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.AcceptRanges = "bytes";
            httpContext.Response.Headers.LastModified = _lastModified;
            return _body.ExecuteAsync(httpContext);
        }
    }
}
