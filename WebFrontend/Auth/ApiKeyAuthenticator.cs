using System.Globalization;
using Microsoft.Extensions.Options;
using OrleansRegistry.ApiKeys;
using OrleansRegistry.Catalog;
using OrleansRegistry.WebFrontend.Audit;

namespace OrleansRegistry.WebFrontend.Auth;

/// <summary>The outcome of authenticating a request: a principal, or the status and words to answer with.</summary>
public sealed record AuthOutcome(ApiKeyPrincipal? Principal, int Status, string? Error);

/// <summary>What the requests one lease grants share, made once per lease: their outcome and the fixed rate-limit headers.</summary>
public sealed class AuthGrant(AuthResult result)
{
    public AuthOutcome Outcome { get; } = new(result.Principal, StatusCodes.Status200OK, null);

    public string? LimitHeader { get; } = result.RateLimit?.Limit.ToString(CultureInfo.InvariantCulture);

    public string? ResetHeader { get; } = result.RateLimit?.Reset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// Reads the key the request presents (<see cref="PresentedKeys"/>) and checks it against this frontend's lease of
/// the key — renewed from the key's grain, which the key id in the token routes to, so there is no lookup table.
/// A refused key (not a missing one, not a spent rate limit) is noted for the audit log, off the request's path.
/// </summary>
public sealed class ApiKeyAuthenticator(ApiKeyLeases leases, IOptions<RegistryOptions> options, AuthFailureAudit audit)
{
    public async ValueTask<AuthOutcome> AuthenticateAsync(HttpContext http)
    {
        // Kept as a feature (not in Items, a dictionary created per request) for the endpoint to read back.
        if (http.Features.Get<AuthOutcome>() is { } done)
        {
            return done;
        }

        var outcome = await AuthenticateCoreAsync(http);
        http.Features.Set(outcome);
        return outcome;
    }

    /// <summary>The caller's principal, or the 401 to answer with (and <paramref name="challenge"/> as WWW-Authenticate).</summary>
    public async ValueTask<(ApiKeyPrincipal? Principal, IResult? Failure)> RequireAsync(HttpContext http, string challenge)
    {
        var outcome = await AuthenticateAsync(http);
        if (outcome.Principal is not null)
        {
            return (outcome.Principal, null);
        }

        if (outcome.Status == StatusCodes.Status401Unauthorized)
        {
            http.Response.Headers.WWWAuthenticate = challenge;
        }

        return (null, Errors.ApiErrors.Problem(http, outcome.Status, outcome.Error!));
    }

    private async ValueTask<AuthOutcome> AuthenticateCoreAsync(HttpContext http)
    {
        var presented = PresentedKeys.Read(http, options.Value.TokenPrefix);
        if (!presented.Presented)
        {
            return new(null, StatusCodes.Status401Unauthorized, "an API key is required (Authorization: Bearer <key>, or HTTP basic auth with the key as password)");
        }

        if (presented.KeyId is null)
        {
            audit.Record(http, null, AuthFailureReasons.Malformed);
            return new(null, StatusCodes.Status401Unauthorized, "the API key is malformed");
        }

        var (result, remaining, grant) = await leases.UseAsync(presented.KeyId, presented.SecretHash!);
        if (grant is not null)
        {
            if (grant.LimitHeader is not null)
            {
                WriteRateLimitHeaders(http, grant.LimitHeader, remaining, grant.ResetHeader!);
            }

            return grant.Outcome;
        }

        if (result.RateLimit is { } rate)
        {
            var reset = rate.Reset.ToUnixTimeSeconds();
            WriteRateLimitHeaders(http, rate.Limit.ToString(CultureInfo.InvariantCulture), remaining, reset.ToString(CultureInfo.InvariantCulture));
            if (result.Failure == AuthFailure.RateLimited)
            {
                http.Response.Headers.RetryAfter = Math.Max(1, reset - DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToString(CultureInfo.InvariantCulture);
            }
        }

        switch (result.Failure)
        {
            case AuthFailure.None:
                return new(result.Principal, StatusCodes.Status200OK, null);
            case AuthFailure.RateLimited:
                return new(null, StatusCodes.Status429TooManyRequests,
                    $"the API key's rate limit of {result.RateLimit!.Limit} requests per hour is spent; retry after {result.RateLimit.Reset:O}");
            case AuthFailure.Revoked:
                audit.Record(http, presented.KeyId, AuthFailureReasons.Revoked);
                return new(null, StatusCodes.Status401Unauthorized, $"the API key was revoked at {result.FailureAt:O}");
            case AuthFailure.Expired:
                audit.Record(http, presented.KeyId, AuthFailureReasons.Expired);
                return new(null, StatusCodes.Status401Unauthorized, $"the API key expired at {result.FailureAt:O}");
            default:
                audit.Record(http, presented.KeyId, result.Failure == AuthFailure.WrongSecret ? AuthFailureReasons.WrongSecret : AuthFailureReasons.UnknownKey);
                return new(null, StatusCodes.Status401Unauthorized, "the API key is not valid");
        }
    }

    /// <summary>X-RateLimit-* on every response to a limited key (and Retry-After, above, when it is refused).</summary>
    private static void WriteRateLimitHeaders(HttpContext http, string limit, int remaining, string reset)
    {
        var headers = http.Response.Headers;
        headers["X-RateLimit-Limit"] = limit;
        headers["X-RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset"] = reset;
    }
}
