namespace OrleansRegistry.Caching;

/// <summary>
/// A frontend keeping grains' protocol documents for a moment, so hot reads skip the grain call. A grain tells every
/// holder to drop its documents before it acknowledges a change.
/// </summary>
[Alias("document-holder")]
public interface IDocumentHolder : IGrainObserver
{
    [Alias("drop")]
    Task Drop(GrainId grain);
}
