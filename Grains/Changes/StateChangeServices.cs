using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using OrleansRegistry.Catalog;
using OrleansRegistry.Storage;

namespace OrleansRegistry.Changes;

/// <summary>What every grain's <see cref="StateChanges{TState}"/> uses: one per silo.</summary>
public sealed partial class StateChangeServices(IGrainStorageSerializer serializer, AuditLog audit, IArtifactStore store, ILoggerFactory loggers)
{
    /// <summary>Storage's own serializer: a state put back after a failed write is exactly what a reload would give.</summary>
    public IGrainStorageSerializer Serializer { get; } = serializer;

    public AuditLog Audit { get; } = audit;

    public IArtifactStore Store { get; } = store;

    public ILogger Logger { get; } = loggers.CreateLogger("OrleansRegistry.Changes");

    /// <param name="committed">Runs once a change is written, before its follow-ups: drops the grain's documents everywhere.</param>
    /// <param name="syncReadModel">Brings the read model in line with the state; must be idempotent.</param>
    public StateChanges<TState> For<TState>(IGrainBase grain, IPersistentState<TState> state, Func<Task> committed, Func<Task> syncReadModel)
        where TState : class, IHasFollowUps =>
        new(grain, state, this, committed, syncReadModel);

    /// <summary>
    /// Applies <paramref name="change"/> and writes the state. If the write fails, the state is put back as it was
    /// (nothing of the change stays visible in memory) and the exception propagates.
    /// </summary>
    public async Task WriteAsync<TState>(IGrainBase grain, IPersistentState<TState> state, Action<TState> change)
        where TState : class
    {
        var before = Serializer.Serialize(state.State);
        try
        {
            change(state.State);
            await state.WriteStateAsync();
        }
        catch (Exception e)
        {
            state.State = Serializer.Deserialize<TState>(before)!;
            LogWriteFailed(Logger, e, grain.GrainContext.GrainId.ToString());
            if (!DependencyFailures.NothingStored(e))
            {
                // Storage may hold a newer state than this activation (a write whose answer was lost, or a second
                // activation): the next call reads it afresh.
                grain.DeactivateOnIdle();
            }

            throw;
        }
    }

    /// <summary>Deletes blobs nothing refers to; a failure leaves an orphan (logged), never an error.</summary>
    public async Task DeleteBlobsAsync(IEnumerable<string> keys)
    {
        foreach (var key in keys)
        {
            try
            {
                await Store.DeleteAsync(key, CancellationToken.None);
            }
            catch (Exception e)
            {
                LogDeleteFailed(Logger, e, key);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete blob {Key}, which nothing refers to (an orphan now)")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the state of {Grain}; the change was undone")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string grain);
}

public static class StateChangesServiceCollectionExtensions
{
    /// <summary>The services grains change their state with; needs the grain storage serializer, the read model and the artifact store.</summary>
    public static IServiceCollection AddStateChanges(this IServiceCollection services) => services.AddSingleton<StateChangeServices>();
}
