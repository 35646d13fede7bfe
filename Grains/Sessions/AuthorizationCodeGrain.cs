namespace OrleansRegistry.Sessions;

[GrainType("authorization-code")]
public sealed class AuthorizationCodeGrain(TimeProvider clock) : Grain, IAuthorizationCodeGrain
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
    private AuthorizationGrant? _grant;
    private DateTimeOffset _expires;

    public Task Issue(AuthorizationGrant grant)
    {
        // Codes are random and new: a second issue under one code would be a bug, never honoured.
        if (_grant is not null)
        {
            throw new InvalidOperationException("authorization code issued twice");
        }

        _grant = grant;
        _expires = clock.GetUtcNow() + Lifetime;
        DelayDeactivation(Lifetime);
        return Task.CompletedTask;
    }

    public Task<AuthorizationGrant?> Redeem()
    {
        var grant = _grant is not null && clock.GetUtcNow() < _expires ? _grant : null;
        _grant = null;
        _expires = DateTimeOffset.MinValue;
        DeactivateOnIdle();
        return Task.FromResult(grant);
    }
}
