using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using OrleansRegistry.Catalog;
using OrleansRegistry.Organizations;
using OrleansRegistry.WebFrontend.Audit;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.SignIn;

public sealed record SessionResponse(string Id, string? Email, string Name, MembershipView[] Organizations);

/// <summary><c>/auth/signin</c>, <c>/auth/signout</c> and <c>/auth/me</c>: the browser session's endpoints (when OIDC is configured).</summary>
public static partial class SignInEndpoints
{
    public static IEndpointRouteBuilder MapSignIn(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetService<OidcSettings>() is null)
        {
            return app;
        }

        var auth = app.MapGroup("/auth").WithTags("Sign-in");
        auth.MapGet("/signin", SignInAsync).ExcludeFromDescription()
            .AllowAnonymous("starts a browser's sign-in: the identity provider authenticates the person");
        auth.MapPost("/signout", (Delegate)SignOutAsync).ProducesProblems(StatusCodes.Status401Unauthorized)
            .AllowAnonymous("no API key: it ends the request's own session cookie (401 without one)");
        auth.MapGet("/me", MeAsync).ProducesProblems(StatusCodes.Status401Unauthorized).ProducesDependencyProblems()
            .AllowAnonymous("no API key: it describes the request's own session cookie (401 without one)");
        return app;
    }

    /// <summary>
    /// Starts the sign-in. The provider's discovery document is read first, so an unreachable provider or an issuer
    /// mismatch is reported here in words rather than as a failed redirect later.
    /// </summary>
    private static async Task SignInAsync(
        HttpContext http, string? return_url, OidcSettings settings, IOptionsMonitor<OpenIdConnectOptions> options, AuthFailureAudit audit, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(SignInEndpoints));
        string issuer;
        try
        {
            issuer = (await options.Get(SignInSetup.OidcScheme).ConfigurationManager!.GetConfigurationAsync(http.RequestAborted)).Issuer;
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested)
        {
            LogDiscoveryFailed(logger, settings.IssuerText, e.Message);
            http.Response.Headers.RetryAfter = "30";
            await SignInFailures.WritePageAsync(http, StatusCodes.Status503ServiceUnavailable,
                $"The identity provider's discovery document {settings.IssuerText}/.well-known/openid-configuration cannot be read now: {e.Message}");
            return;
        }

        if (!string.Equals(issuer.TrimEnd('/'), settings.IssuerText, StringComparison.Ordinal))
        {
            var message = $"The identity provider at {settings.IssuerText} names its issuer '{issuer}': set REGISTRY_OIDC_ISSUER_URL to exactly '{issuer}'.";
            LogDiscoveryFailed(logger, settings.IssuerText, message);
            audit.Record(http, keyId: null, AuthFailureReasons.SignInFailed);
            await SignInFailures.WritePageAsync(http, StatusCodes.Status502BadGateway, message);
            return;
        }

        var target = return_url is ['/', not '/' and not '\\', ..] or "/" ? return_url : "/auth/me";
        try
        {
            await http.ChallengeAsync(SignInSetup.OidcScheme, new AuthenticationProperties { RedirectUri = target });
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested && !http.Response.HasStarted)
        {
            // A pushed authorization request the provider refused (a redirect URI it does not know, a wrong secret).
            var (status, message) = SignInFailures.Explain(e, settings);
            LogDiscoveryFailed(logger, settings.IssuerText, message);
            audit.Record(http, keyId: null, AuthFailureReasons.SignInFailed);
            await SignInFailures.WritePageAsync(http, status, message);
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> SignOutAsync(HttpContext http)
    {
        var session = await http.AuthenticateAsync(SignInSetup.SessionScheme);
        if (!session.Succeeded)
        {
            return ApiErrors.Problem(http, StatusCodes.Status401Unauthorized, "not signed in");
        }

        await http.SignOutAsync(SignInSetup.SessionScheme);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> MeAsync(HttpContext http, IGrainFactory grains)
    {
        if (await SessionUserAsync(http) is not { } user)
        {
            return ApiErrors.Problem(http, StatusCodes.Status401Unauthorized, "not signed in: open /auth/signin in a browser");
        }

        var memberships = await grains.GetGrain<ICatalogGrain>(0).ListMemberships(MemberKind.User, user.FindFirstValue(OidcEvents.UserIdClaim)!);
        return TypedResults.Ok(new SessionResponse(user.FindFirstValue(OidcEvents.UserIdClaim)!, user.FindFirstValue("email") is { Length: > 0 } email ? email : null,
            user.FindFirstValue("name")!, memberships));
    }

    /// <summary>The signed-in user of the request's session cookie, if any.</summary>
    public static async Task<ClaimsPrincipal?> SessionUserAsync(HttpContext http)
    {
        var session = await http.AuthenticateAsync(SignInSetup.SessionScheme);
        return session.Succeeded && session.Principal.FindFirstValue(OidcEvents.UserIdClaim) is not null ? session.Principal : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "OIDC sign-in could not start with the provider {Issuer}: {Reason}")]
    private static partial void LogDiscoveryFailed(ILogger logger, string issuer, string reason);
}
