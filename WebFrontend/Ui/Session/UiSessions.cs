using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OrleansRegistry.ApiKeys;
using OrleansRegistry.Catalog;
using OrleansRegistry.Organizations;
using OrleansRegistry.WebFrontend.Audit;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.SignIn;

namespace OrleansRegistry.WebFrontend.Ui.Session;

/// <summary>
/// The web UI's sessions: the <c>registry_session</c> cookie of an OIDC sign-in, or of a sign-in with an API key.
/// A key session keeps the key's id and the SHA-256 of its secret inside the cookie (encrypted with the shared
/// data-protection ring, HttpOnly, never in the browser's storage) and checks them against the key's lease on every
/// request, so revoking, expiring or narrowing the key ends or narrows the session at once.
/// </summary>
public sealed class UiSessions(ApiKeyLeases leases, IGrainFactory grains, IOptions<RegistryOptions> options, AuthFailureAudit audit)
{
    private const string KeyIdClaim = "registry_key";
    private const string KeyHashClaim = "registry_key_hash";

    /// <summary>
    /// The session's caller; null without a session, with <c>Ended</c> a code for why a key session ended
    /// (<see cref="EndedCodes"/>: a code, never free text, since the sign-in page shows what the link carries), or
    /// <c>LimitedUntil</c> when the key's hourly rate limit is spent: the session holds, the page waits.
    /// </summary>
    public async Task<(UiCaller? Caller, string? Ended, DateTimeOffset? LimitedUntil)> ResolveAsync(HttpContext http)
    {
        var session = await http.AuthenticateAsync(SignInSetup.SessionScheme);
        if (!session.Succeeded)
        {
            return (null, null, null);
        }

        var claims = session.Principal;
        if (claims.FindFirstValue(OidcEvents.UserIdClaim) is { } userId)
        {
            return (await PersonAsync(userId, claims.FindFirstValue("name") ?? userId), null, null);
        }

        if (claims.FindFirstValue(KeyIdClaim) is not { } keyId || claims.FindFirstValue(KeyHashClaim) is not { } hash)
        {
            return (null, null, null);
        }

        var (result, _, grant) = await leases.UseAsync(keyId, Convert.FromBase64String(hash));
        var principal = grant?.Outcome.Principal ?? result.Principal;
        if (principal is null && result.Failure == AuthFailure.RateLimited)
        {
            return (null, null, result.RateLimit?.Reset ?? DateTimeOffset.UtcNow.AddMinutes(1));
        }

        return principal is null
            ? (null, EndedCodes.Of(result.Failure), null)
            : (new UiCaller(principal.Name, null, [principal]), null, null);
    }

    /// <summary>Signs the browser in with an API key; the error to show when the key is refused.</summary>
    public async Task<string?> SignInWithKeyAsync(HttpContext http, string? token)
    {
        if (ApiKeyToken.TryParse(token?.Trim(), options.Value.TokenPrefix) is not { } key)
        {
            audit.Record(http, null, AuthFailureReasons.Malformed);
            return $"That is not an API key of this registry (they start with '{options.Value.TokenPrefix}').";
        }

        var hash = key.SecretHash();
        var (result, _, grant) = await leases.UseAsync(key.KeyId, hash);
        if ((grant?.Outcome.Principal ?? result.Principal) is null)
        {
            audit.Record(http, key.KeyId, result.Failure switch
            {
                AuthFailure.Revoked => AuthFailureReasons.Revoked,
                AuthFailure.Expired => AuthFailureReasons.Expired,
                AuthFailure.WrongSecret => AuthFailureReasons.WrongSecret,
                _ => AuthFailureReasons.UnknownKey,
            });
            return Describe(result);
        }

        Claim[] claims = [new(KeyIdClaim, key.KeyId), new(KeyHashClaim, Convert.ToBase64String(hash))];
        await http.SignInAsync(SignInSetup.SessionScheme, new ClaimsPrincipal(new ClaimsIdentity(claims, SignInSetup.SessionScheme)));
        return null;
    }

    public Task SignOutAsync(HttpContext http) => http.SignOutAsync(SignInSetup.SessionScheme);

    /// <summary>A person acts in each organization they belong to with their role there.</summary>
    private async Task<UiCaller> PersonAsync(string userId, string name)
    {
        var memberships = await grains.GetGrain<ICatalogGrain>(0).ListMemberships(MemberKind.User, userId);
        var principals = new List<ApiKeyPrincipal>();
        foreach (var membership in memberships)
        {
            if (await grains.GetGrain<IOrganizationGrain>(membership.Organization).Rights(MemberKind.User, userId) is { } rights)
            {
                principals.Add(new ApiKeyPrincipal($"user:{userId}", name, rights.Scopes, rights.Namespaces, null, membership.Organization));
            }
        }

        return new UiCaller(name, userId, [.. principals]);
    }

    /// <summary>Why a key session ended, as the sign-in link names it, and the words the page shows for it.</summary>
    public static class EndedCodes
    {
        public static string Of(AuthFailure failure) => failure switch
        {
            AuthFailure.Revoked => "revoked",
            AuthFailure.Expired => "expired",
            AuthFailure.RateLimited => "rate_limited",
            _ => "invalid",
        };

        public static string? Text(string? code) => code switch
        {
            "revoked" => "the API key was revoked.",
            "expired" => "the API key expired.",
            "rate_limited" => "the API key's hourly rate limit is spent; try again later.",
            "invalid" => "the API key is no longer valid.",
            _ => null,
        };
    }

    private static string Describe(AuthResult result) => result.Failure switch
    {
        AuthFailure.Revoked => $"The API key was revoked at {result.FailureAt:u}.",
        AuthFailure.Expired => $"The API key expired at {result.FailureAt:u}.",
        AuthFailure.RateLimited => "The API key's hourly rate limit is spent; try again later.",
        _ => "The API key is not valid.",
    };
}
