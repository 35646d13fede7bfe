using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRegistry.Catalog;
using OrleansRegistry.Changes;
using OrleansRegistry.Signing;
using OrleansRegistry.Terraform;

namespace OrleansRegistry.Mirroring;

/// <summary>
/// A mirror of an upstream Terraform provider registry. The "sync" reminder schedules syncs; the single activation
/// means one sync at a time cluster-wide. A sync runs in the background of the activation and is recorded in state
/// when it starts, so if its silo dies the next activation (the "resume" reminder forces one) resumes it.
/// </summary>
[GrainType("mirror")]
public sealed partial class MirrorGrain(
    [PersistentState("mirror", RegistryStorage.Name)] IPersistentState<MirrorState> state,
    ProviderMirrorSync engine,
    IEnumerable<IMirrorEngine> engines,
    SecretProtector secrets,
    StateChangeServices changes,
    IOptions<MirrorOptions> options,
    TimeProvider clock,
    ILogger<MirrorGrain> logger) : Grain, IMirrorGrain, IRemindable, IDisposable
{
    private const string SyncReminder = "sync";
    private const string ResumeReminder = "resume";
    private Task? _sync;
    private SyncProgress? _progress;
    private CancellationTokenSource? _cancel;
    private IGrainTimer? _keepAlive;
    private bool _syncQueued;
    private StateChanges<MirrorState>? _changes;

    private string Id => this.GetPrimaryKeyString();

    private MirrorSettings? Settings => state.State.Settings;

    // Every change is followed by the directory's summary of the mirror (which routes requests to it).
    private StateChanges<MirrorState> Changes => _changes ??= changes.For(this, state, static () => Task.CompletedTask, PublishSummaryAsync);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await Changes.ResumeAsync();
        if (state.State.Running is { } interrupted && Settings is not null)
        {
            logger.LogWarning("Mirror {Mirror}: sync {Number} was interrupted (its silo stopped); resuming", Id, interrupted.Number);
            await BeginSyncAsync($"resume of sync {interrupted.Number}",
                interrupted with { EndedAt = clock.GetUtcNow(), Result = "interrupted", Errors = [.. interrupted.Errors, "the silo running the sync stopped; a new sync resumes it"] });
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // State.Running stays set: the next activation resumes the sync.
        if (_cancel is not null)
        {
            await _cancel.CancelAsync();
        }

        await Changes.FlushAsync();
    }

    public async Task<MirrorChangeResult> Create(MirrorChange change)
    {
        if (Settings is not null)
        {
            return new(MirrorChangeStatus.Exists, $"mirror '{Id}' exists", null);
        }

        var (settings, error) = await ValidateAsync(change.Settings);
        if (settings is null)
        {
            return new(MirrorChangeStatus.Invalid, error, null);
        }

        // The reminder first: one left behind by a create that was not stored finds no mirror and unregisters itself.
        await this.RegisterOrUpdateReminder(SyncReminder, options.Value.FirstSyncDelay, TimeSpan.FromMinutes(settings.IntervalMinutes));
        var (webhookSecret, encryptedSecret) = NewWebhookSecret();
        var now = clock.GetUtcNow();
        await Changes.CommitAsync(s =>
        {
            s.Settings = settings;
            s.CreatedAt = now;
            s.CreatedBy = change.Actor.KeyId;
            s.Credentials = Protect(change.Credentials);
            s.WebhookSecret = encryptedSecret;
            s.NextSyncAt = now + options.Value.FirstSyncDelay;
        }, AuditRecord.Of(change.Actor, "mirror.create", Id, now, new { Upstream = settings.UpstreamUrl }));
        return new(MirrorChangeStatus.Done, null, View() with { WebhookSecret = webhookSecret });
    }

    public async Task<MirrorChangeResult> Update(MirrorChange change)
    {
        if (Settings is not { } previous)
        {
            return new(MirrorChangeStatus.NotFound, $"mirror '{Id}' not found", null);
        }

        var (settings, error) = await ValidateAsync(change.Settings);
        if (settings is null)
        {
            return new(MirrorChangeStatus.Invalid, error, null);
        }

        var now = clock.GetUtcNow();
        var period = TimeSpan.FromMinutes(settings.IntervalMinutes);
        var newPeriod = settings.IntervalMinutes != previous.IntervalMinutes;
        if (newPeriod)
        {
            await this.RegisterOrUpdateReminder(SyncReminder, period, period);
        }

        await Changes.CommitAsync(s =>
        {
            s.Settings = settings;
            if (change.Credentials is not null)
            {
                s.Credentials = Protect(change.Credentials);
            }

            if (newPeriod)
            {
                s.NextSyncAt = now + period;
            }
        }, AuditRecord.Of(change.Actor, "mirror.update", Id, now));
        _upstreamVersions.Clear();
        return new(MirrorChangeStatus.Done, null, View());
    }

    public Task<MirrorView?> Get() => Task.FromResult(Settings is null ? null : View());

    public Task<MirrorSyncRecord[]?> GetHistory() =>
        Task.FromResult(Settings is null ? null : (MirrorSyncRecord[]?)[.. Live() is { } running ? [running] : Array.Empty<MirrorSyncRecord>(), .. state.State.History]);

    public async Task<bool> Delete(Actor actor)
    {
        if (Settings is null)
        {
            return false;
        }

        if (_cancel is not null)
        {
            await _cancel.CancelAsync();
        }

        await Changes.CommitAsync(s =>
        {
            s.Settings = null;
            s.Credentials = null;
            s.WebhookSecret = null;
            s.Refs.Clear();
            s.Running = null;
            s.History.Clear();
            s.Deliveries.Clear();
            s.NextSyncAt = null;
        }, AuditRecord.Of(actor, "mirror.delete", Id, clock.GetUtcNow()));

        // The reminders last: one left behind finds no mirror when it fires and unregisters itself.
        foreach (var name in new[] { SyncReminder, ResumeReminder })
        {
            if (await this.GetReminder(name) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }

        return true;
    }

    public async Task<SyncStartStatus> StartSync(Actor actor)
    {
        if (Settings is null)
        {
            return SyncStartStatus.NotFound;
        }

        if (_sync is not null)
        {
            return SyncStartStatus.AlreadyRunning;
        }

        await BeginSyncAsync($"manual ({actor.KeyName})");
        return SyncStartStatus.Started;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (Settings is null)
        {
            if (await this.GetReminder(reminderName) is { } orphan)
            {
                await this.UnregisterReminder(orphan);
            }

            return;
        }

        if (reminderName == SyncReminder)
        {
            var next = clock.GetUtcNow() + TimeSpan.FromMinutes(Settings.IntervalMinutes);
            if (_sync is null)
            {
                await BeginSyncAsync("schedule", nextSyncAt: next);
            }
            else
            {
                await Changes.CommitAsync(s => s.NextSyncAt = next);
            }
        }
        else if (reminderName == ResumeReminder && _sync is null && state.State.Running is null && await this.GetReminder(ResumeReminder) is { } done)
        {
            // Activating this grain already resumed any interrupted sync (OnActivateAsync); nothing left to watch.
            await this.UnregisterReminder(done);
        }
    }

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
        var plan = Plan();
        var clockStart = Stopwatch.GetTimestamp();
        try
        {
            var kind = engines.Single(e => e.Kind == plan.Settings.Kind);
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
        _upstreamVersions.Clear();
        var refs = MirrorKinds.IsGit(plan.Settings.Kind) ? new Dictionary<string, string>(progress.Refs, StringComparer.Ordinal) : null;
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

    public void Dispose() => _cancel?.Dispose();

    public Task<ComposerUpstreamInfo?> GetComposerUpstream() =>
        Task.FromResult(Settings is { Kind: MirrorKinds.ComposerRepository } s
            ? new ComposerUpstreamInfo(s.UpstreamUrl, state.State.Credentials, s.UserAgent, s.AllowInsecure, s.Packages ?? [])
            : null);

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

    private async Task<(MirrorSettings? Settings, string? Error)> ValidateAsync(MirrorSettings requested)
    {
        var (settings, error) = MirrorSettingsRules.Normalize(requested);
        if (settings is not null && await GrainFactory.GetGrain<IMirrorDirectoryGrain>(IMirrorDirectoryGrain.Key).NameTaken(settings.Name, Id))
        {
            return (null, $"a mirror named '{settings.Name}' exists");
        }

        return (settings, error);
    }

    private MirrorPlan Plan() => new(Id, Settings!, Credentials(), state.State.Refs);

    private MirrorCredentials? Credentials() =>
        state.State.Credentials is { } encrypted ? JsonSerializer.Deserialize<MirrorCredentials>(secrets.Unprotect(encrypted)) : null;

    private byte[]? Protect(MirrorCredentials? credentials) =>
        credentials is null || credentials.IsEmpty ? null : secrets.Protect(JsonSerializer.SerializeToUtf8Bytes(credentials));

    /// <summary>The directory's summary of this mirror (which routes requests to it), as the state has it now.</summary>
    private Task PublishSummaryAsync()
    {
        var directory = GrainFactory.GetGrain<IMirrorDirectoryGrain>(IMirrorDirectoryGrain.Key);
        return Settings is null
            ? directory.Remove(Id)
            : directory.Upsert(new MirrorSummary(
                Id, Settings.Name, Settings.Kind, Settings.Hostname, Settings.Providers, Settings.PullThrough, Settings.UpstreamUrl,
                state.State.History.FirstOrDefault(), state.State.Running is not null, Settings.Namespace, Settings.Packages));
    }

    private MirrorView View() =>
        new(Id, Settings!, state.State.Credentials is not null, state.State.CreatedAt, Live(), state.State.History.FirstOrDefault(), state.State.NextSyncAt);
}
