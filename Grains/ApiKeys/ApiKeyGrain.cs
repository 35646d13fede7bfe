using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRegistry.Catalog;

namespace OrleansRegistry.ApiKeys;

/// <summary>
/// One API key. Frontends authenticate through short <see cref="Lease"/>s that also count the rate limit, so a busy
/// key costs a grain call per frontend and second rather than per request; revoking or changing the key drops
/// every lease before it answers. A reminder marks the key expired in the read model when its time comes.
/// </summary>
[GrainType("apikey")]
public sealed partial class ApiKeyGrain(
    [PersistentState("apikey", RegistryStorage.Name)] IPersistentState<ApiKeyState> state,
    RegistryIndex index,
    IOptions<RateLimitOptions> rateLimits,
    IOptions<ApiKeyLeaseOptions> leases,
    TimeProvider clock,
    ILogger<ApiKeyGrain> logger) : Grain, IApiKeyGrain, IRemindable
{
    private readonly RateLimitWindow _window = new();
    private ApiKeyPrincipal? _principal;

    private const string ExpiryReminder = "expiry";
    private static readonly TimeSpan MaxReminderDue = TimeSpan.FromDays(7);

    public async Task<ApiKeyView?> Create(ApiKeyCreate request)
    {
        if (state.State.Exists)
        {
            return null;
        }

        state.State = new ApiKeyState
        {
            Name = request.Name,
            SecretHash = request.SecretHash,
            Scopes = request.Scopes,
            Namespaces = request.Namespaces,
            CreatedAt = clock.GetUtcNow(),
            CreatedBy = request.CreatedBy.KeyId,
            ExpiresAt = request.ExpiresAt,
            RateLimitPerHour = request.RateLimitPerHour,
        };
        await state.WriteStateAsync();
        var view = View();
        await index.UpsertApiKeyAsync(view);
        await index.AuditAsync(request.CreatedBy, "apikey.create", this.GetPrimaryKeyString());
        await ScheduleExpiryAsync();
        return view;
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

        if (!CryptographicOperations.FixedTimeEquals(key.SecretHash, secretHash))
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

        // Last use is informational: kept in memory, persisted with the next write rather than per lease.
        key.LastUsedAt = now;
        return new AuthResult(_principal ??= new ApiKeyPrincipal(this.GetPrimaryKeyString(), key.Name!, key.Scopes, key.Namespaces), AuthFailure.None);
    }

    public async Task<ApiKeyView?> Update(ApiKeyUpdate update)
    {
        if (!state.State.Exists)
        {
            return null;
        }

        state.State.Name = update.Name ?? state.State.Name;
        state.State.RateLimitPerHour = update.RateLimitPerHour ?? state.State.RateLimitPerHour;
        await state.WriteStateAsync();
        await DropLeasesAsync();
        await index.UpsertApiKeyAsync(View());
        await index.AuditAsync(update.Actor, "apikey.update", this.GetPrimaryKeyString());
        return View();
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
            state.State.RevokedAt = clock.GetUtcNow();
            await state.WriteStateAsync();
            await DropLeasesAsync();
            await index.UpsertApiKeyAsync(View());
            await index.AuditAsync(actor, "apikey.revoke", this.GetPrimaryKeyString());
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
            LogExpired(logger, this.GetPrimaryKeyString());
            await index.UpsertApiKeyAsync(View());
            await index.AuditAsync(Actor.System, "apikey.expired", this.GetPrimaryKeyString());
            await UnregisterAsync();
            return;
        }

        // Still in the future: move the reminder closer (reminder due times are capped).
        await ScheduleExpiryAsync();
    }

    private async Task ScheduleExpiryAsync()
    {
        if (state.State.ExpiresAt is not { } expires)
        {
            return;
        }

        var due = expires - clock.GetUtcNow();
        due = due < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : due > MaxReminderDue ? MaxReminderDue : due;
        await this.RegisterOrUpdateReminder(ExpiryReminder, due, TimeSpan.FromHours(1));
    }

    private async Task UnregisterAsync()
    {
        if (await this.GetReminder(ExpiryReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private ApiKeyView View()
    {
        var key = state.State;
        return new ApiKeyView(this.GetPrimaryKeyString(), key.Name!, key.Scopes, key.Namespaces, key.CreatedAt, key.ExpiresAt, key.RevokedAt, key.LastUsedAt, key.CreatedBy, key.RateLimitPerHour);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "API key {KeyId} expired")]
    private static partial void LogExpired(ILogger logger, string keyId);
}
