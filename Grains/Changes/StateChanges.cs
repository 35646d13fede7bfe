using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace OrleansRegistry.Changes;

/// <summary>
/// How a grain changes its persistent state. A change is applied, written, and only then acknowledged: when the write
/// fails, the state is put back as it was (nothing of the change stays visible), the blobs the change brought are
/// deleted, and the call fails. Once written, the grain's documents are dropped from every frontend, and the change's
/// <see cref="FollowUps"/> are carried out — retried until they succeed, never failing the acknowledged change.
/// In-memory changes that need no acknowledgement (download counts, finished follow-ups) are written within
/// <see cref="FlushDelay"/>, or when the grain deactivates.
/// </summary>
public sealed partial class StateChanges<TState>(
    IGrainBase grain, IPersistentState<TState> state, StateChangeServices services, Func<Task> committed, Func<Task> syncReadModel)
    where TState : class, IHasFollowUps
{
    public static readonly TimeSpan FlushDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LastRetry = TimeSpan.FromMinutes(1);

    // Writes of one activation, one at a time: a grain whose background work interleaves with its calls (a mirror's
    // sync) must not have two writes of one state in flight.
    private Task _writing = Task.CompletedTask;
    private IGrainTimer? _flush;
    private IGrainTimer? _retry;
    private TimeSpan _retryDelay = FirstRetry;

    /// <summary>The follow-ups an earlier activation left undone, carried out now (call from OnActivateAsync).</summary>
    public Task ResumeAsync() => state.State.FollowUps.IsEmpty ? Task.CompletedTask : FollowUpAsync();

    /// <summary>
    /// Applies <paramref name="change"/> and writes it, with <paramref name="audit"/> and a read-model update as its
    /// follow-ups. If the write fails, the state is restored, <paramref name="discardOnFailure"/> (blobs written for
    /// this change) are deleted, and the exception propagates.
    /// </summary>
    public async Task CommitAsync(Action<TState> change, AuditRecord? audit = null, IReadOnlyCollection<string>? discardOnFailure = null)
    {
        try
        {
            await OneAtATimeAsync(() => services.WriteAsync(grain, state, s =>
            {
                change(s);
                s.FollowUps.ReadModel = true;
                if (audit is not null)
                {
                    s.FollowUps.Audit.Add(audit);
                }
            }));
        }
        catch
        {
            await DiscardAsync(discardOnFailure);
            throw;
        }

        // The write carried every unsaved in-memory change too.
        StopFlush();
        await committed();
        await FollowUpAsync();
    }

    /// <summary>Notes an in-memory change to write within <see cref="FlushDelay"/>; <paramref name="readModel"/> when the read model shows it.</summary>
    public void MarkUnsaved(bool readModel = false)
    {
        state.State.FollowUps.ReadModel |= readModel;
        _flush ??= grain.RegisterGrainTimer(static (self, _) => self.FlushAsync(), this,
            new GrainTimerCreationOptions(FlushDelay, Timeout.InfiniteTimeSpan) { KeepAlive = false });
    }

    /// <summary>Writes unsaved in-memory changes now (call from OnDeactivateAsync); a failure is logged, not thrown.</summary>
    public async Task FlushAsync()
    {
        if (_flush is null)
        {
            return;
        }

        StopFlush();
        try
        {
            await OneAtATimeAsync(() => state.WriteStateAsync());
        }
        catch (Exception e)
        {
            LogFlushFailed(services.Logger, e, grain.GrainContext.GrainId.ToString());
            if (e is InconsistentStateException)
            {
                grain.DeactivateOnIdle();
            }

            return;
        }

        await FollowUpAsync();
    }

    /// <summary>Carries out the pending follow-ups; on failure, tries again later (backing off to a minute) and keeps the grain active until done.</summary>
    private async Task FollowUpAsync()
    {
        var pending = state.State.FollowUps;
        try
        {
            if (pending.ReadModel)
            {
                await syncReadModel();
                pending.ReadModel = false;
            }

            while (pending.Audit.Count > 0)
            {
                await services.Index.AuditAsync(pending.Audit[0]);
                pending.Audit.RemoveAt(0);
            }
        }
        catch (Exception e)
        {
            LogFollowUpFailed(services.Logger, e, grain.GrainContext.GrainId.ToString(), _retryDelay);
            _retry?.Dispose();
            _retry = grain.RegisterGrainTimer(static (self, _) => self.FollowUpAsync(), this,
                new GrainTimerCreationOptions(_retryDelay, Timeout.InfiniteTimeSpan) { KeepAlive = true });
            _retryDelay = _retryDelay * 2 > LastRetry ? LastRetry : _retryDelay * 2;
            return;
        }

        _retry?.Dispose();
        _retry = null;
        _retryDelay = FirstRetry;

        // Done: storage learns so with the next write (repeating a follow-up after a crash adds nothing).
        _flush ??= grain.RegisterGrainTimer(static (self, _) => self.FlushAsync(), this,
            new GrainTimerCreationOptions(FlushDelay, Timeout.InfiniteTimeSpan) { KeepAlive = false });
    }

    private async Task OneAtATimeAsync(Func<Task> write)
    {
        var previous = _writing;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _writing = done.Task;
        try
        {
            await previous;
            await write();
        }
        finally
        {
            done.SetResult();
        }
    }

    private async Task DiscardAsync(IReadOnlyCollection<string>? keys)
    {
        foreach (var key in keys ?? [])
        {
            try
            {
                await services.Store.DeleteAsync(key, CancellationToken.None);
            }
            catch (Exception e)
            {
                LogDiscardFailed(services.Logger, e, key);
            }
        }
    }

    private void StopFlush()
    {
        _flush?.Dispose();
        _flush = null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the counts of {Grain}; they are written with its next change")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, string grain);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not update the read model or audit log after a change of {Grain}; retrying in {Delay}")]
    private static partial void LogFollowUpFailed(ILogger logger, Exception exception, string grain, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete blob {Key} of a change that was not stored (it is an orphan now)")]
    private static partial void LogDiscardFailed(ILogger logger, Exception exception, string key);
}
