using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRegistry.Catalog;
using OrleansRegistry.Changes;
using OrleansRegistry.Mirroring.Webhooks;
using OrleansRegistry.Signing;

namespace OrleansRegistry.Mirroring;

/// <summary>
/// A mirror of an upstream registry, or a package source: its settings, credentials, schedule and sync history. The
/// "sync" reminder schedules syncs; the single activation means one sync at a time cluster-wide. A sync runs in the
/// background of the activation (by the engine of the mirror's kind) and is recorded in state when it starts, so if
/// its silo dies the next activation (the "resume" reminder forces one) resumes it. Webhooks and pull-through are
/// handled by their collaborators, <see cref="MirrorWebhooks"/> and <see cref="ProviderPullThrough"/>.
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
    private readonly MirrorWebhooks _webhooks = new(secrets, clock, options.Value.HistoryLength, logger);
    private StateChanges<MirrorState>? _changes;
    private ProviderPullThrough? _pullThrough;

    private string Id => this.GetPrimaryKeyString();

    private string NotFoundReason => $"mirror '{Id}' not found";

    private MirrorSettings? Settings => state.State.Settings;

    private ProviderPullThrough ProviderPulls => _pullThrough ??= new(engine, GrainFactory, options.Value, clock, logger);

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

    public async Task<Outcome<MirrorView>> Create(MirrorChange change)
    {
        if (Settings is not null)
        {
            return Outcome.Conflict($"mirror '{Id}' exists");
        }

        var validated = await ValidateAsync(change.Settings);
        if (validated.Value is not { } settings)
        {
            return validated.WithoutValue();
        }

        // The reminder first: one left behind by a create that was not stored finds no mirror and unregisters itself.
        await this.RegisterOrUpdateReminder(SyncReminder, options.Value.FirstSyncDelay, TimeSpan.FromMinutes(settings.IntervalMinutes));
        var (webhookSecret, encryptedSecret) = _webhooks.NewSecret();
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
        return Outcome.Of(OutcomeCode.Created, View() with { WebhookSecret = webhookSecret });
    }

    public async Task<Outcome<MirrorView>> Update(MirrorChange change)
    {
        if (Settings is not { } previous)
        {
            return Outcome.NotFound(NotFoundReason);
        }

        var validated = await ValidateAsync(change.Settings);
        if (validated.Value is not { } settings)
        {
            return validated.WithoutValue();
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
        ProviderPulls.ForgetUpstreamVersions();
        return Outcome.Of(OutcomeCode.Done, View());
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
            s.Refs = new(StringComparer.Ordinal);
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

    public async Task<Outcome> StartSync(Actor actor)
    {
        if (Settings is null)
        {
            return Outcome.NotFound(NotFoundReason);
        }

        if (_sync is not null)
        {
            return new(OutcomeCode.Unchanged, "already running");
        }

        await BeginSyncAsync($"manual ({actor.KeyName})");
        return new(OutcomeCode.Accepted, "started");
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

    public void Dispose() => _cancel?.Dispose();

    public Task<ComposerUpstreamInfo?> GetComposerUpstream() =>
        Task.FromResult(Settings is { KindSettings: ComposerRepositoryMirrorSettings repository } s
            ? new ComposerUpstreamInfo(s.UpstreamUrl, state.State.Credentials, repository.UserAgent, s.AllowInsecure, repository.Packages ?? [])
            : null);

    public Task<ProtocolDocument?> GetPullThroughIndex(string ns, string type) =>
        Settings is null ? Task.FromResult<ProtocolDocument?>(null) : ProviderPulls.IndexAsync(Plan(), ns, type);

    public Task<Outcome> PullThrough(string ns, string type, string version) =>
        Settings is null ? Task.FromResult(Outcome.NotFound($"mirror '{Id}' does not pull {ns}/{type} through")) : ProviderPulls.PullAsync(Plan(), ns, type, version);

    /// <summary>The settings as stored: normalized, valid, and under a name no other mirror has.</summary>
    private async Task<Outcome<MirrorSettings>> ValidateAsync(MirrorSettings requested)
    {
        var (settings, error) = MirrorSettingsRules.Normalize(requested);
        if (settings is null)
        {
            return Outcome.Invalid(error!);
        }

        return await GrainFactory.GetGrain<IMirrorDirectoryGrain>(IMirrorDirectoryGrain.Key).NameTaken(settings.Name, Id)
            ? Outcome.Conflict($"a mirror named '{settings.Name}' exists")
            : Outcome.Of(OutcomeCode.Done, settings);
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
        return Settings is null ? directory.Remove(Id) : directory.Upsert(Summary(Settings));
    }

    // The directory's fields of every kind: those of other kinds are empty, as the summary has always had them.
    private MirrorSummary Summary(MirrorSettings settings)
    {
        var providers = settings.KindSettings as ProviderMirrorSettings;
        return new MirrorSummary(
            Id, settings.Name, settings.Kind, providers?.Hostname ?? "", providers?.Providers ?? [], providers?.PullThrough ?? false, settings.UpstreamUrl,
            state.State.History.FirstOrDefault(), state.State.Running is not null, (settings.KindSettings as IGitSourceSettings)?.Namespace,
            (settings.KindSettings as ComposerRepositoryMirrorSettings)?.Packages);
    }

    private MirrorView View() =>
        new(Id, Settings!, state.State.Credentials is not null, state.State.CreatedAt, Live(), state.State.History.FirstOrDefault(), state.State.NextSyncAt);
}
