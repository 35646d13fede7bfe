using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OrleansRegistry.Caching;

namespace OrleansRegistry.WebFrontend.Caching;

/// <summary>
/// Grains' protocol documents kept by this frontend for <see cref="DocumentCacheOptions.Duration"/>, so a hot read
/// is served without a grain call. Reading through the cache registers this frontend with the grain, which drops
/// the grain's documents here (<see cref="Drop"/>) before it acknowledges any change: a publish is visible on the
/// next request. Only found documents are kept; a miss always asks the grain (see docs/performance.md#document-cache).
/// A kept document outlives its duration by <see cref="StaleIfError.Bound"/>, to answer when the grain cannot.
/// </summary>
public sealed class DocumentCache : IDocumentHolder, IDisposable
{
    /// <summary>
    /// Documents kept per grain. Some keys come from the request (a p2 file per base URL, which is the Host header
    /// unless REGISTRY_PUBLIC_URL is set): past this many, the grain's documents are dropped and fetched again, so a
    /// client sending endless Host values costs grain calls, not memory.
    /// </summary>
    public const int MaxDocumentsPerGrain = 64;

    private readonly IGrainFactory _grains;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _duration;
    private readonly StaleIfError _staleIfError;
    private readonly ConcurrentDictionary<GrainId, GrainDocuments> _byGrain = new();
    private readonly ITimer _sweeper;
    private IDocumentHolder? _reference;

    public DocumentCache(IGrainFactory grains, TimeProvider clock, IOptions<DocumentCacheOptions> options, StaleIfError staleIfError)
    {
        _grains = grains;
        _clock = clock;
        _duration = options.Value.Duration;
        _staleIfError = staleIfError;
        var sweepEvery = _duration > TimeSpan.Zero ? _duration * 5 : Timeout.InfiniteTimeSpan;
        _sweeper = clock.CreateTimer(_ => Sweep(), null, sweepEvery, sweepEvery);
    }

    /// <summary>
    /// The document <paramref name="key"/> of <paramref name="grain"/>, from here or from <paramref name="fetch"/>, which
    /// gets the grain and <paramref name="arg"/> back (a static lambda: a cached read allocates no closure).
    /// </summary>
    public async ValueTask<T?> GetAsync<TGrain, TArg, T>(TGrain grain, DocumentKey key, TArg arg, Func<TGrain, TArg, IDocumentHolder?, Task<T?>> fetch)
        where TGrain : IAddressable
        where T : class
    {
        if (_duration <= TimeSpan.Zero)
        {
            return await fetch(grain, arg, null);
        }

        var now = _clock.GetUtcNow().UtcTicks;
        var documents = _byGrain.GetOrAdd(grain.GetGrainId(), static _ => new GrainDocuments());
        if (documents.Entries.TryGetValue(key, out var kept) && now < kept.Until)
        {
            DocumentCacheMetrics.Hits.Inc();
            return (T)kept.Document;
        }

        DocumentCacheMetrics.Misses.Inc();
        T? fetched;
        try
        {
            fetched = await fetch(grain, arg, Reference);
        }
        catch (Exception e) when (kept is not null && !documents.Dropped && _staleIfError.Allows(e, kept.Until))
        {
            _staleIfError.RecordDocument(e);
            return (T)kept.Document;
        }

        if (fetched is null || documents.Dropped)
        {
            return fetched;
        }

        // An unchanged document keeps the object already here: a replaced one would be medium-lived garbage, promoted
        // by the GC and then dropped (see docs/performance.md#document-cache).
        if (kept is not null && kept.Document.Equals(fetched))
        {
            kept.Until = now + _duration.Ticks;
            return (T)kept.Document;
        }

        if (documents.Entries.Count >= MaxDocumentsPerGrain)
        {
            documents.Entries.Clear();
        }

        documents.Entries[key] = new Kept(fetched, now + _duration.Ticks);
        return fetched;
    }

    /// <inheritdoc cref="GetAsync{TGrain, TArg, T}"/>
    public ValueTask<T?> GetAsync<TGrain, T>(TGrain grain, DocumentKey key, Func<TGrain, IDocumentHolder?, Task<T?>> fetch)
        where TGrain : IAddressable
        where T : class =>
        GetAsync(grain, key, fetch, static (g, f, h) => f(g, h));

    /// <summary>Documents kept now, for every grain (diagnostics).</summary>
    public int Count => _byGrain.Values.Sum(documents => documents.Entries.Count);

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
        // A document stays for stale-if-error until its duration plus the bound is over.
        var cutoff = _clock.GetUtcNow().UtcTicks - _staleIfError.Bound.Ticks;
        foreach (var (id, documents) in _byGrain)
        {
            foreach (var (key, kept) in documents.Entries)
            {
                if (kept.Until <= cutoff)
                {
                    documents.Entries.TryRemove(key, out _);
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
        public ConcurrentDictionary<DocumentKey, Kept> Entries { get; } = new();

        public volatile bool Dropped;
    }

    /// <summary>A document and until when (UTC ticks) it is served from here.</summary>
    private sealed class Kept(object document, long until)
    {
        private long _until = until;

        public object Document { get; } = document;

        public long Until
        {
            get => Volatile.Read(ref _until);
            set => Volatile.Write(ref _until, value);
        }
    }
}
