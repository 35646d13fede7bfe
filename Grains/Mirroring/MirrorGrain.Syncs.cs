using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OrleansRegistry.Changes;

namespace OrleansRegistry.Mirroring;

/// <summary>
/// A sync: recorded as running before it starts (so a new activation resumes it if its silo dies), run in the
/// background of the activation by the engine of the mirror's kind, and recorded in the history when it ends.
/// </summary>
public sealed partial class MirrorGrain
{
    private Task? _sync;
    private SyncProgress? _progress;
    private CancellationTokenSource? _cancel;
    private IGrainTimer? _keepAlive;
    private bool _syncQueued;

    /// <param name="interrupted">A sync whose silo stopped, recorded as such in the same write.</param>
    private async Task BeginSyncAsync(string trigger, MirrorSyncRecord? interrupted = null, DateTimeOffset? nextSyncAt = null)
    {
        // The reminder that resumes the sync if this silo dies goes first; with no sync to resume, it unregisters itself.
        await this.RegisterOrUpdateReminder(ResumeReminder, options.Value.ResumeCheckPeriod, options.Value.ResumeCheckPeriod);
        var silo = GrainContext.Address.SiloAddress?.Endpoint.ToString();
        var now = clock.GetUtcNow();
        await Changes.CommitAsync(s =>
        {
            if (interrupted is not null)
            {
                Record(s, interrupted);
            }

            s.LastSyncNumber++;
            s.Running = new MirrorSyncRecord(s.LastSyncNumber, trigger, now, null, "running", MirrorSyncCounts.Zero, [], silo);
            s.NextSyncAt = nextSyncAt ?? s.NextSyncAt;
        });
        var number = state.State.LastSyncNumber;
        _progress = new SyncProgress(Id);
        _cancel?.Dispose();
        _cancel = new CancellationTokenSource();
        _keepAlive = this.RegisterGrainTimer(static (_, _) => Task.CompletedTask, this, new GrainTimerCreationOptions(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)) { KeepAlive = true });
        logger.LogInformation("Mirror {Mirror}: sync {Number} started on {Silo} ({Trigger})", Id, number, silo, trigger);
        _sync = RunSyncAsync(state.State.Running!, _progress, _cancel.Token);
    }

    private async Task RunSyncAsync(MirrorSyncRecord running, SyncProgress progress, CancellationToken cancellationToken)
    {
        MirrorMetrics.Track(Id);
        var plan = Plan();
        var clockStart = Stopwatch.GetTimestamp();
        try
        {
            var kind = engines.Single(e => e.Syncs(plan.Settings.KindSettings));
            await Task.Run(() => kind.RunAsync(plan, progress, cancellationToken), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Deactivating or deleted: the sync stays marked running and resumes on the next activation.
            StopKeepAlive();
            _sync = null;
            return;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Mirror {Mirror}: sync {Number} failed", Id, running.Number);
            progress.Error($"the sync failed: {e.Message}");
        }

        StopKeepAlive();

        var finished = running with { EndedAt = clock.GetUtcNow(), Result = progress.Result, Counts = progress.Counts, Errors = progress.Errors };
        MirrorMetrics.SyncDuration.WithLabels(Id, finished.Result).Observe(Stopwatch.GetElapsedTime(clockStart).TotalSeconds);
        logger.LogInformation("Mirror {Mirror}: sync {Number} {Result}: {Counts}", Id, running.Number, finished.Result, finished.Counts);
        ProviderPulls.ForgetUpstreamVersions();
        var refs = plan.Settings.KindSettings is IGitSourceSettings ? new Dictionary<string, string>(progress.Refs, StringComparer.Ordinal) : null;
        try
        {
            await Changes.CommitAsync(s =>
            {
                Record(s, finished);
                s.Refs = refs ?? s.Refs;
                s.Running = null;
            });
            if (await this.GetReminder(ResumeReminder, CancellationToken.None) is { } resume)
            {
                await this.UnregisterReminder(resume, CancellationToken.None);
            }
        }
        catch (Exception e)
        {
            // The sync stays recorded as running: the next activation resumes it (what it stored is kept).
            logger.LogError(e, "Mirror {Mirror}: the end of sync {Number} could not be recorded", Id, running.Number);
            _sync = null;
            return;
        }

        _sync = null;
        if (_syncQueued)
        {
            _syncQueued = false;
            await BeginSyncAsync("webhook (queued while a sync ran)");
        }
    }

    /// <summary>Starts a sync, or when one is running has another follow it.</summary>
    private async Task<Outcome> StartOrQueueSyncAsync(string trigger)
    {
        if (_sync is null)
        {
            await BeginSyncAsync(trigger);
            return new(OutcomeCode.Accepted, $"sync {state.State.LastSyncNumber} started");
        }

        _syncQueued = true;
        return new(OutcomeCode.Accepted, "a sync is running; another follows it");
    }

    private void StopKeepAlive()
    {
        _keepAlive?.Dispose();
        _keepAlive = null;
    }

    private void Record(MirrorState s, MirrorSyncRecord record)
    {
        s.History.Insert(0, record);
        if (s.History.Count > options.Value.HistoryLength)
        {
            s.History.RemoveRange(options.Value.HistoryLength, s.History.Count - options.Value.HistoryLength);
        }
    }

    private MirrorSyncRecord? Live() =>
        state.State.Running is { } running && _progress is { } progress
            ? running with { Counts = progress.Counts, Errors = progress.Errors }
            : state.State.Running;
}
