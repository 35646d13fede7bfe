using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRegistry.Catalog;
using OrleansRegistry.Changes;
using OrleansRegistry.Notifications;

namespace OrleansRegistry.ApiKeys;

/// <summary>
/// One API key. Frontends authenticate through short <see cref="Lease"/>s that also count the rate limit, so a busy
/// key costs a grain call per frontend and second rather than per request; revoking or changing the key drops
/// every lease before it answers. A reminder sends the expiry warnings (ApiKeyGrain.Warnings.cs) and marks the key
/// expired in the read model when its time comes.
/// </summary>
[GrainType("apikey")]
public sealed partial class ApiKeyGrain(
    [PersistentState("apikey", RegistryStorage.Name)] IPersistentState<ApiKeyState> state,
    ReadModel readModel,
    StateChangeServices changes,
    IOptions<RateLimitOptions> rateLimits,
    IOptions<ApiKeyLeaseOptions> leases,
    IOptions<ExpiryWarningOptions> warnings,
    ExpiryMailer mailer,
    TimeProvider clock,
    ILogger<ApiKeyGrain> logger) : Grain, IApiKeyGrain, IRemindable
{
    private readonly RateLimitWindow _window = new();
    private ApiKeyPrincipal? _principal;
    private StateChanges<ApiKeyState>? _changes;

    private const string ExpiryReminder = "expiry";
    private static readonly TimeSpan LastUseResolution = TimeSpan.FromMinutes(5);

    private string KeyId => this.GetPrimaryKeyString();

    // A change drops every frontend's lease before its follow-ups: the read model row and the expiry reminder.
    private StateChanges<ApiKeyState> Changes => _changes ??= changes.For(this, state, DropLeasesAsync, SyncAsync);

    public override Task OnActivateAsync(CancellationToken cancellationToken) => Changes.ResumeAsync();

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Changes.FlushAsync();

    public async Task<ApiKeyView?> Create(ApiKeyCreate request)
    {
        if (state.State.Exists)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        await Changes.CommitAsync(s =>
        {
            s.Name = request.Name;
            s.SecretHash = request.SecretHash;
            s.Scopes = request.Scopes;
            s.Namespaces = request.Namespaces;
            s.CreatedAt = now;
            s.CreatedBy = request.CreatedBy.KeyId;
            s.ExpiresAt = request.ExpiresAt;
            s.RateLimitPerHour = request.RateLimitPerHour;
            s.PackagePatterns = request.PackagePatterns;
            s.Owner = request.Owner;
            s.OwnerRights ??= request.OwnerRights; // the organization may have told a newer word already
        }, AuditRecord.Of(request.CreatedBy, "apikey.create", KeyId, now, request.Owner is { } owner ? new { Owner = owner.Organization + "/" + owner.Id } : null));
        return View();
    }

    public Task<AuthLease> Lease(AuthLeaseRequest request)
    {
        var result = Check(request.SecretHash, out var now);
        if (result.Failure != AuthFailure.None)
        {
            return Task.FromResult(new AuthLease(result, 0, now));
        }

        var key = state.State;
        var validUntil = now + leases.Value.Duration;
        if (key.ExpiresAt is { } expires && expires < validUntil)
        {
            validUntil = expires;
        }

        // A lease of the secret before a rotation ends with its grace period.
        if (IsPreviousSecret(request.SecretHash, now) && key.PreviousSecretValidUntil < validUntil)
        {
            validUntil = key.PreviousSecretValidUntil.Value;
        }

        RememberHolder(request.Holder, validUntil);
        var limit = key.RateLimitPerHour ?? rateLimits.Value.DefaultPerHour;
        if (limit <= 0)
        {
            return Task.FromResult(new AuthLease(result, int.MaxValue, validUntil));
        }

        _window.GiveBack(request.TokensReturned, request.ReturnedWindowEnd);
        var share = Math.Max(1, (int)(limit * leases.Value.MaxShareOfLimit));
        var (granted, status) = _window.Take(limit, Math.Min(request.TokensWanted, share), now);
        return Task.FromResult(granted == 0
            ? new AuthLease(new AuthResult(null, AuthFailure.RateLimited, null, status), 0, now)
            : new AuthLease(result with { RateLimit = status }, granted, validUntil));
    }

    /// <summary>The principal for a presented secret, or why there is none.</summary>
    private AuthResult Check(byte[] secretHash, out DateTimeOffset now)
    {
        now = clock.GetUtcNow();
        var key = state.State;
        if (!key.Exists)
        {
            return AuthResult.Fail(AuthFailure.UnknownKey);
        }

        if (!CryptographicOperations.FixedTimeEquals(key.SecretHash, secretHash) && !IsPreviousSecret(secretHash, now))
        {
            return AuthResult.Fail(AuthFailure.WrongSecret);
        }

        if (key.RevokedAt is { } revoked)
        {
            return AuthResult.Fail(AuthFailure.Revoked, revoked);
        }

        if (key.ExpiresAt is { } expires && expires <= now)
        {
            return AuthResult.Fail(AuthFailure.Expired, expires);
        }

        // Last use is informational, to the nearest few minutes: written (with the listing's row) within the flush
        // delay when it moved that much, rather than per lease.
        if (key.LastUsedAt is not { } last || now - last > LastUseResolution)
        {
            key.LastUsedAt = now;
            Changes.MarkUnsaved(readModel: true);
        }

        return new AuthResult(_principal ??= Principal(), AuthFailure.None);
    }

    public async Task<ApiKeyView?> Update(ApiKeyUpdate update)
    {
        if (!state.State.Exists)
        {
            return null;
        }

        // Every frontend's lease is dropped before this answers (Changes), so narrowed scopes, namespaces or package
        // patterns bind the key's next request everywhere; a new expiry moves the expiry reminder (SyncAsync), and
        // owes again the warnings it made no longer due.
        var now = clock.GetUtcNow();
        await Changes.CommitAsync(s =>
        {
            s.Name = update.Name ?? s.Name;
            s.RateLimitPerHour = update.RateLimitPerHour ?? s.RateLimitPerHour;
            s.Scopes = update.Scopes ?? s.Scopes;
            s.Namespaces = update.Namespaces ?? s.Namespaces;
            s.ExpiresAt = update.ExpiresAt ?? s.ExpiresAt;
            s.SentExpiryWarnings = ExpiryWarnings.StillDue(s.SentExpiryWarnings, s.ExpiresAt, now);
            s.PackagePatterns = update.PackagePatterns ?? s.PackagePatterns;
            _principal = null; // the next lease carries the new name, scopes, namespaces and patterns
        }, AuditRecord.Of(update.Actor, "apikey.update", KeyId, now));
        return View();
    }

    public async Task<Outcome<ApiKeyView>> Rotate(ApiKeyRotation rotation)
    {
        var key = state.State;
        var now = clock.GetUtcNow();
        if (!key.Exists)
        {
            return Outcome.NotFound($"API key '{KeyId}' not found");
        }

        if (key.RevokedAt is not null || key.ExpiresAt <= now)
        {
            return Outcome.Conflict($"API key '{KeyId}' is {(key.RevokedAt is not null ? "revoked" : "expired")}; create a new one");
        }

        await Changes.CommitAsync(s =>
        {
            s.PreviousSecretHash = rotation.GracePeriod > TimeSpan.Zero ? s.SecretHash : null;
            s.PreviousSecretValidUntil = rotation.GracePeriod > TimeSpan.Zero ? now + rotation.GracePeriod : null;
            s.SecretHash = rotation.SecretHash;
        }, AuditRecord.Of(rotation.Actor, "apikey.rotate", KeyId, now));
        return Outcome.Of(OutcomeCode.Done, View());
    }

    public Task<ApiKeyView?> Get() => Task.FromResult(state.State.Exists ? View() : null);

    public async Task<ApiKeyView?> Revoke(Actor actor)
    {
        if (!state.State.Exists)
        {
            return null;
        }

        if (state.State.RevokedAt is null)
        {
            var now = clock.GetUtcNow();
            await Changes.CommitAsync(s => s.RevokedAt = now, AuditRecord.Of(actor, "apikey.revoke", KeyId, now));
        }

        return View();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ExpiryReminder)
        {
            return;
        }

        var key = state.State;
        if (!key.Exists || key.RevokedAt is not null || key.ExpiresAt is null)
        {
            await UnregisterAsync();
            return;
        }

        if (key.ExpiresAt <= clock.GetUtcNow())
        {
            LogExpired(logger, KeyId);

            // Nothing changes in the state but what the key owes the read model and the audit log; the reminder goes
            // once that is written (if the write fails, the next tick tries again).
            await Changes.CommitAsync(_ => { }, AuditRecord.Of(Actor.System, "apikey.expired", KeyId, clock.GetUtcNow()));
            await UnregisterAsync();
            return;
        }

        // Still in the future: a warning may be due; then the reminder moves to the next warning or the expiry.
        await WarnIfDueAsync();
        await ScheduleExpiryAsync();
    }

    /// <summary>The read model row and the expiry reminder, as the state has them now.</summary>
    private async Task SyncAsync()
    {
        // A key its organization told about before it was created has no row yet.
        if (state.State.Exists)
        {
            await readModel.UpsertApiKeyAsync(View());
        }

        await ScheduleExpiryAsync();
    }

    private async Task UnregisterAsync()
    {
        if (await this.GetReminder(ExpiryReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private bool IsPreviousSecret(byte[] secretHash, DateTimeOffset now) =>
        state.State is { PreviousSecretHash: { } previous, PreviousSecretValidUntil: { } until } && now < until
        && CryptographicOperations.FixedTimeEquals(previous, secretHash);

    private ApiKeyView View()
    {
        var key = state.State;
        var previousUntil = key.PreviousSecretValidUntil > clock.GetUtcNow() ? key.PreviousSecretValidUntil : null;
        return new ApiKeyView(KeyId, key.Name!, key.Scopes, key.Namespaces, key.CreatedAt, key.ExpiresAt, key.RevokedAt, key.LastUsedAt, key.CreatedBy, key.RateLimitPerHour, previousUntil,
            key.PackagePatterns, key.Owner);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "API key {KeyId} expired")]
    private static partial void LogExpired(ILogger logger, string keyId);
}
