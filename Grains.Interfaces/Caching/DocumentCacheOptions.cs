namespace OrleansRegistry.Caching;

/// <summary>How long frontends keep grains' documents, bound from <c>Registry:DocumentCache</c> by silos and frontends alike.</summary>
public sealed class DocumentCacheOptions
{
    public const string Section = "Registry:DocumentCache";

    /// <summary>
    /// How long a frontend serves a document without asking its grain. Changes reach frontends at once through the
    /// grain's drop notice; this bounds staleness only when that notice is lost (the grain's silo crashed after
    /// handing the document out). Zero turns the cache off.
    /// </summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long past <see cref="Duration"/> a frontend may still serve a document (or use a key's lease) when the grain
    /// call fails because the cluster is down or a silo died — never once the grain said it changed. Zero turns it off.
    /// </summary>
    public TimeSpan StaleIfError { get; set; } = TimeSpan.FromMinutes(5);
}
