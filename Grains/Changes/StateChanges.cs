using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace OrleansRegistry.Changes;

/// <summary>
/// How a grain changes its persistent state. A change is applied, written, and only then acknowledged: when the write
/// fails, the state is put back as it was (nothing of the change stays visible), the blobs the change brought are
/// deleted, and the call fails. Once written, the grain's documents are dropped from every frontend, and the change's
/// <see cref="FollowUps"/> are carried out — retried until they succeed, never failing the acknowledged change.
/// In-memory changes that need no acknowledgement (download counts, follow-ups done) are written within
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
    private bool _unsaved;
    private IGrainTimer? _flush;
    private Task? _followingUp;
    private bool _again;
    private IGrainTimer? _retry;
    private TimeSpan _retryDelay = FirstRetry;

    /// <summary>The follow-ups an earlier activation left undone, carried out now (call from OnActivateAsync).</summary>
    public Task ResumeAsync() => state.State.FollowUps.IsEmpty ? Task.CompletedTask : FollowUpAsync();

    /// <summary>
    /// Applies <paramref name="change"/> and writes it, with <paramref name="audit"/> and a read-model update as its
    /// follow-ups. If the write fails, the state is restored and the exception propagates; <paramref name="discardOnFailure"/>
    /// (blobs written for this change) are deleted when storage surely did not take the write, and kept otherwise
    /// (a connection lost mid-write may have stored it, and a stored version must find its files).
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
        catch (Exception e) when (DependencyFailures.NothingStored(e))
        {
            await services.DeleteBlobsAsync(discardOnFailure ?? []);
            throw;
        }

        // The write carried every unsaved in-memory change too.
        _unsaved = false;
        StopFlush();
        await committed();
        await FollowUpAsync();
    }

    /// <summary>Notes an in-memory change to write within <see cref="FlushDelay"/>; <paramref name="readModel"/> when the read model shows it.</summary>
    public void MarkUnsaved(bool readModel = false)
    {
        state.State.FollowUps.ReadModel |= readModel;
        _unsaved = true;
        ArmFlush();
    }

    /// <summary>
    /// Writes unsaved in-memory changes now (call from OnDeactivateAsync); a failure is logged, not thrown. Pending
    /// follow-ups are written with them, for the next activation.
    /// </summary>
    public Task FlushAsync() => WriteUnsavedAsync(retryLater: false);

    private async Task WriteUnsavedAsync(bool retryLater)
    {
        StopFlush();
        if (!_unsaved)
        {
            return;
        }

        try
        {
            await OneAtATimeAsync(() => state.WriteStateAsync());
            _unsaved = false;
        }
        catch (Exception e)
        {
            LogFlushFailed(services.Logger, e, grain.GrainContext.GrainId.ToString());
            if (!DependencyFailures.NothingStored(e))
            {
                // Storage may hold a newer state than this activation: the next call reads it afresh.
                grain.DeactivateOnIdle();
            }
            else if (retryLater)
            {
                ArmFlush();
            }
        }
    }

    // Counts are not acknowledged data: the read model may show them before storage does, which saves a second write.
    private bool HasFollowUps => !state.State.FollowUps.IsEmpty;

    private void ArmFlush() =>
        _flush ??= grain.RegisterGrainTimer(static async (self, _) =>
        {
            if (self.HasFollowUps)
            {
                await self.FollowUpAsync(writeWhenDone: false);
            }

            await self.WriteUnsavedAsync(retryLater: true);
        }, this, new GrainTimerCreationOptions(FlushDelay, Timeout.InfiniteTimeSpan) { KeepAlive = false });

    /// <summary>
    /// Carries out the pending follow-ups, one run at a time (a call during a run makes it go round once more); on
    /// failure, tries again later, backing off to a minute, and keeps the grain active until done.
    /// </summary>
    private Task FollowUpAsync(bool writeWhenDone = true)
    {
        if (_followingUp is { IsCompleted: false })
        {
            _again = true;
            return _followingUp;
        }

        _followingUp = RunFollowUpsAsync(writeWhenDone);
        return _followingUp;
    }

    private async Task RunFollowUpsAsync(bool writeWhenDone)
    {
        do
        {
            _again = false;

            // Only what storage holds: entries of a write still under way wait for it (and go if it fails).
            await _writing;
            var audit = state.State.FollowUps.Audit.ToList();
            try
            {
                if (state.State.FollowUps.ReadModel)
                {
                    // Cleared first: a change written meanwhile sets it again, and this run goes round once more.
                    state.State.FollowUps.ReadModel = false;
                    try
                    {
                        await syncReadModel();
                    }
                    catch
                    {
                        state.State.FollowUps.ReadModel = true;
                        throw;
                    }
                }

                foreach (var entry in audit)
                {
                    await services.Audit.AddAsync(entry);
                    state.State.FollowUps.Audit.RemoveAll(a => a.Id == entry.Id);
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
        }
        while (_again);

        _retry?.Dispose();
        _retry = null;
        _retryDelay = FirstRetry;
        if (writeWhenDone)
        {
            // Storage learns they are done with a write within the flush delay. An activation before that repeats them,
            // which adds nothing; activations are frequent and changes rare, so one write here saves the work there.
            _unsaved = true;
            ArmFlush();
        }
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

    private void StopFlush()
    {
        _flush?.Dispose();
        _flush = null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the counts of {Grain}; trying again later")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, string grain);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not update the read model or audit log after a change of {Grain}; retrying in {Delay}")]
    private static partial void LogFollowUpFailed(ILogger logger, Exception exception, string grain, TimeSpan delay);

}
