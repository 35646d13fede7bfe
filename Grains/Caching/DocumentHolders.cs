using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansRegistry.Caching;

/// <summary>
/// The frontends a grain handed documents to, within the frontends' cache duration. One per activation (transient):
/// the grain remembers each reader, and drops them all before acknowledging a change.
/// </summary>
public sealed partial class DocumentHolders(IOptions<DocumentCacheOptions> options, TimeProvider clock, ILogger<DocumentHolders> logger)
{
    private readonly HolderSet<IDocumentHolder> _holders = new(clock);

    public void Remember(IDocumentHolder? holder)
    {
        if (holder is not null)
        {
            // Twice the frontend's duration: clocks of silos and frontends differ a little.
            _holders.Remember(holder, clock.GetUtcNow() + (2 * options.Value.Duration));
        }
    }

    /// <summary>Tells every holder that may still keep a document of <paramref name="grain"/> to drop it.</summary>
    public Task DropAsync(GrainId grain) =>
        _holders.DropAllAsync(holder => holder.Drop(grain), e => LogDropFailed(logger, grain.ToString(), e.Message));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell a frontend to drop its documents of {Grain} (they expire by themselves): {Reason}")]
    private static partial void LogDropFailed(ILogger logger, string grain, string reason);
}
