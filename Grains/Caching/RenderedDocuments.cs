namespace OrleansRegistry.Caching;

/// <summary>
/// What a package grain rendered from its state (protocol documents, signed-URL templates), kept until the state
/// changes, and the frontends it handed them to. Bounded by <paramref name="capacity"/>: a grain asked for more
/// variants (base URLs, platforms) renders again rather than grows. One per activation.
/// </summary>
public sealed class RenderedDocuments<TKey>(DocumentHolders holders, int capacity = RenderedDocuments.DefaultCapacity)
    where TKey : notnull
{
    private readonly Dictionary<TKey, object> _rendered = [];

    /// <summary>
    /// The document for <paramref name="key"/>, rendered from <paramref name="arg"/> on first use (a null rendering,
    /// nothing to show, is not kept); <paramref name="holder"/> is told when it changes, or when there is one.
    /// </summary>
    public T? GetOrRender<T, TArg>(TKey key, IDocumentHolder? holder, TArg arg, Func<TArg, T?> render) where T : class
    {
        holders.Remember(holder);
        if (!_rendered.TryGetValue(key, out var kept))
        {
            if (render(arg) is not { } rendered)
            {
                return null;
            }

            if (_rendered.Count >= capacity)
            {
                _rendered.Clear();
            }

            _rendered[key] = kept = rendered;
        }

        return (T)kept;
    }

    /// <summary>Tells <paramref name="holder"/> when the grain's state changes: it keeps an answer derived from it (a lookup, a "none").</summary>
    public void Remember(IDocumentHolder? holder) => holders.Remember(holder);

    /// <summary>Forgets every rendering and tells the frontends holding copies of <paramref name="grain"/>'s documents to drop them.</summary>
    public Task DropAsync(GrainId grain)
    {
        _rendered.Clear();
        return holders.DropAsync(grain);
    }
}

public static class RenderedDocuments
{
    /// <summary>As many variants as the frontends keep of one grain (<c>DocumentCache.MaxDocumentsPerGrain</c>).</summary>
    public const int DefaultCapacity = 64;
}
