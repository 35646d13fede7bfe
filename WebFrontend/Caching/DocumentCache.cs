using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OrleansRegistry.Caching;

namespace OrleansRegistry.WebFrontend.Caching;

/// <summary>
/// Grains' protocol documents kept by this frontend for <see cref="DocumentCacheOptions.Duration"/>, so a hot read
/// is served without a grain call. Reading through the cache registers this frontend with the grain, which drops
/// the grain's documents here (<see cref="Drop"/>) before it acknowledges any change: a publish is visible on the
/// next request. Only found documents are kept; a miss always asks the grain.
/// </summary>
public sealed class DocumentCache : IDocumentHolder, IDisposable
{
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _duration;
    private readonly ConcurrentDictionary<GrainId, GrainDocuments> _byGrain = new();
    private readonly ITimer _sweeper;
    private IDocumentHolder? _reference;

    public DocumentCache(IGrainFactory grains, TimeProvider clock, IOptions<DocumentCacheOptions> options)
    {
        _grains = grains;
        _clock = clock;
        _duration = options.Value.Duration;
        var sweepEvery = _duration > TimeSpan.Zero ? _duration * 5 : Timeout.InfiniteTimeSpan;
        _sweeper = clock.CreateTimer(_ => Sweep(), null, sweepEvery, sweepEvery);
    }

    /// <summary>The document <paramref name="name"/> of <paramref name="grain"/>, from here or from <paramref name="fetch"/>.</summary>
    public async ValueTask<T?> GetAsync<T>(IAddressable grain, string name, Func<IDocumentHolder?, Task<T?>> fetch) where T : class
    {
        if (_duration <= TimeSpan.Zero)
        {
            return await fetch(null);
        }

        var id = grain.GetGrainId();
        var now = _clock.GetUtcNow();
        var documents = _byGrain.GetOrAdd(id, static _ => new GrainDocuments());
        if (documents.Entries.TryGetValue(name, out var kept) && now < kept.Until)
        {
            return (T)kept.Document;
        }

        var fetched = await fetch(Reference);
        if (fetched is not null && !documents.Dropped)
        {
            documents.Entries[name] = new Kept(fetched, now + _duration);
        }

        return fetched;
    }

    public Task Drop(GrainId grain)
    {
        if (_byGrain.TryRemove(grain, out var documents))
        {
            // A fetch that started before the drop must not put its (old) answer back.
            documents.Dropped = true;
        }

        return Task.CompletedTask;
    }

    public void Dispose() => _sweeper.Dispose();

    /// <summary>The object reference grains call back; created on first use, from a request thread (not a grain).</summary>
    private IDocumentHolder Reference => _reference ??= _grains.CreateObjectReference<IDocumentHolder>(this);

    /// <summary>Forgets grains whose documents all expired, so memory follows what is read, not what was ever read.</summary>
    private void Sweep()
    {
        var now = _clock.GetUtcNow();
        foreach (var (id, documents) in _byGrain)
        {
            foreach (var (name, kept) in documents.Entries)
            {
                if (kept.Until <= now)
                {
                    documents.Entries.TryRemove(name, out _);
                }
            }

            if (documents.Entries.IsEmpty)
            {
                _byGrain.TryRemove(id, out _);
            }
        }
    }

    private sealed class GrainDocuments
    {
        public ConcurrentDictionary<string, Kept> Entries { get; } = new(StringComparer.Ordinal);

        public volatile bool Dropped;
    }

    private sealed record Kept(object Document, DateTimeOffset Until);
}
