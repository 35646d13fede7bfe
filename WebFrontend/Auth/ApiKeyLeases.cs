using System.Collections.Concurrent;
using System.Security.Cryptography;
using OrleansRegistry.ApiKeys;
using OrleansRegistry.WebFrontend.Caching;

namespace OrleansRegistry.WebFrontend.Auth;

/// <summary>
/// One request's authentication: the key's answer, its rate-limit budget left after this request, and (when the
/// request was granted) what all requests of its lease share.
/// </summary>
public readonly record struct LeaseUse(AuthResult Result, int Remaining, AuthGrant? Grant = null);

/// <summary>
/// This frontend's leases of API keys. A key's requests are authenticated and counted from its lease; when the lease
/// runs out or expires, one grain call renews it for every request waiting on it, asking for about as many requests
/// as the last lease served. The key's grain drops a lease through <see cref="Drop"/> before it answers a revoke or
/// a change, so those take effect here at once (see docs/performance.md#key-leases). When a renewal fails because
/// the cluster is down, the key goes on under its last grant for <see cref="StaleIfError.Bound"/>, asking again every
/// second; a key the grain dropped (revoked, changed) has no grant left to go on with.
/// </summary>
public sealed class ApiKeyLeases(IGrainFactory grains, TimeProvider clock, StaleIfError staleIfError) : IApiKeyLeaseHolder
{
    private const int MaxWanted = 1 << 20;
    private static readonly TimeSpan BorrowFor = TimeSpan.FromSeconds(1);
    private readonly TimeProvider _clock = clock;
    private readonly StaleIfError _staleIfError = staleIfError;
    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private IApiKeyLeaseHolder? _reference;

    public async ValueTask<LeaseUse> UseAsync(string keyId, byte[] secretHash)
    {
        if (_slots.TryGetValue(keyId, out var slot))
        {
            // Up to two shared renewals, each tried by the request that waited for it (so no counted request is left
            // unused while this one goes on), then one request asked for directly.
            for (var attempt = 0; ; attempt++)
            {
                var current = Volatile.Read(ref slot.Current);
                if (current is null || !current.IsFor(secretHash))
                {
                    break;
                }

                if (current.TryUse(_clock.GetUtcNow()) is { } use)
                {
                    return use;
                }

                if (attempt == 2)
                {
                    break;
                }

                var renewed = await slot.RenewAsync(current, this);
                if (renewed.Answer.Result.Failure != AuthFailure.None)
                {
                    return new LeaseUse(renewed.Answer.Result, 0);
                }
            }
        }

        return await LeaseDirectlyAsync(keyId, secretHash);
    }

    public Task Drop(string keyId)
    {
        if (_slots.TryGetValue(keyId, out var slot))
        {
            slot.Drop();
        }

        return Task.CompletedTask;
    }

    /// <summary>A key not leased here yet, a lease that was dropped, another secret, or a contended renewal: ask for one request.</summary>
    private async ValueTask<LeaseUse> LeaseDirectlyAsync(string keyId, byte[] secretHash)
    {
        var answer = await grains.GetGrain<IApiKeyGrain>(keyId).Lease(new AuthLeaseRequest(secretHash, 1, 0, default, Reference));
        if (answer.Result.Failure != AuthFailure.None)
        {
            return new LeaseUse(answer.Result, 0);
        }

        var lease = new Lease(secretHash, answer, tokensLeft: answer.Tokens - 1);
        _slots.GetOrAdd(keyId, static _ => new Slot()).Offer(lease, _clock.GetUtcNow());
        return lease.Use(answer.Tokens - 1);
    }

    private Task<AuthLease> AskAsync(string keyId, AuthLeaseRequest request) => grains.GetGrain<IApiKeyGrain>(keyId).Lease(request);

    /// <summary>The object reference the key grains call back; created on first use, from a request thread (not a grain).</summary>
    private IApiKeyLeaseHolder Reference => _reference ??= grains.CreateObjectReference<IApiKeyLeaseHolder>(this);

    /// <summary>One key's lease here, and the renewal in flight if any.</summary>
    private sealed class Slot
    {
        public Lease? Current;
        private Task<Lease>? _renewal;
        private int _generation;
        private int _wanted = 1;

        public Task<Lease> RenewAsync(Lease stale, ApiKeyLeases owner)
        {
            lock (this)
            {
                if (!ReferenceEquals(Current, stale))
                {
                    return Task.FromResult(Current ?? stale);
                }

                var renewal = _renewal ??= RenewCoreAsync(stale, owner);
                if (renewal.IsCompleted)
                {
                    _renewal = null; // it finished synchronously, before it was stored
                }

                return renewal;
            }
        }

        private async Task<Lease> RenewCoreAsync(Lease stale, ApiKeyLeases owner)
        {
            var generation = _generation;
            var unused = stale.Retire();
            if (stale.Borrowed)
            {
                unused = 0; // requests a borrowed lease did not serve were never granted by the grain: nothing to give back
            }

            var now = owner._clock.GetUtcNow();
            // Ran out early: ask for twice as many; expired: ask for about what the last lease served.
            _wanted = now < stale.Answer.ValidUntil
                ? Math.Min(_wanted * 2, MaxWanted)
                : Math.Clamp(stale.Answer.Tokens - unused, 1, MaxWanted);
            var request = new AuthLeaseRequest(stale.SecretHash, _wanted, unused, stale.Answer.Result.RateLimit?.Reset ?? default, owner.Reference);
            try
            {
                var answer = await owner.AskAsync(stale.KeyId, request);
                var renewed = new Lease(stale.SecretHash, answer, answer.Tokens);
                lock (this)
                {
                    if (_generation == generation)
                    {
                        Current = answer.Result.Failure == AuthFailure.None ? renewed : null;
                    }
                }

                return renewed;
            }
            catch (Exception e) when (stale.Answer.Result.Failure == AuthFailure.None && owner._staleIfError.Allows(e, stale.GrantedUntil.UtcTicks))
            {
                var borrowed = new Lease(stale.SecretHash, stale.Answer with { ValidUntil = now + BorrowFor }, stale.Answer.Tokens, stale.GrantedUntil);
                lock (this)
                {
                    if (_generation != generation)
                    {
                        throw; // the grain dropped the lease meanwhile: the key changed or was revoked
                    }

                    Current = borrowed;
                }

                owner._staleIfError.RecordKeyLease(e);
                return borrowed;
            }
            finally
            {
                lock (this)
                {
                    _renewal = null;
                }
            }
        }

        /// <summary>Installs a directly taken lease unless a usable one is already here.</summary>
        public void Offer(Lease lease, DateTimeOffset now)
        {
            lock (this)
            {
                if (Current is null || !Current.IsUsable(now))
                {
                    Current = lease;
                }
            }
        }

        public void Drop()
        {
            lock (this)
            {
                _generation++;
                Current = null;
            }
        }
    }

    /// <summary>A lease: the grain's answer and the counted requests not yet served.</summary>
    private sealed class Lease(byte[] secretHash, AuthLease answer, int tokensLeft, DateTimeOffset? grantedUntil = null)
    {
        private int _tokens = tokensLeft;

        public byte[] SecretHash { get; } = secretHash;

        public AuthLease Answer { get; } = answer;

        /// <summary>Until when the grain last granted this key here; later than that, the lease is borrowed (stale-if-error).</summary>
        public DateTimeOffset GrantedUntil { get; } = grantedUntil ?? answer.ValidUntil;

        public bool Borrowed => Answer.ValidUntil > GrantedUntil;

        private AuthGrant? Grant { get; } = answer.Result.Failure == AuthFailure.None ? new AuthGrant(answer.Result) : null;

        public string KeyId => Answer.Result.Principal!.KeyId;

        private bool Unlimited => Answer.Result.RateLimit is null;

        public bool IsFor(byte[] secretHash) => CryptographicOperations.FixedTimeEquals(SecretHash, secretHash);

        public bool IsUsable(DateTimeOffset now) => now < Answer.ValidUntil && (Unlimited || Volatile.Read(ref _tokens) > 0);

        public LeaseUse? TryUse(DateTimeOffset now)
        {
            if (now >= Answer.ValidUntil)
            {
                return null;
            }

            if (Unlimited)
            {
                return new LeaseUse(Answer.Result, 0, Grant);
            }

            var left = Interlocked.Decrement(ref _tokens);
            return left < 0 ? null : Use(left);
        }

        public LeaseUse Use(int left) => new(Answer.Result, Answer.Result.RateLimit is { } rate ? rate.Remaining + left : 0, Grant);

        /// <summary>Stops the lease serving more requests; returns how many it had left, to give back.</summary>
        public int Retire() => Unlimited ? 0 : Math.Max(0, Interlocked.Exchange(ref _tokens, int.MinValue / 2));
    }
}
