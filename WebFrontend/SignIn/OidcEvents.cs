using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using OrleansRegistry.Catalog;
using OrleansRegistry.Users;
using OrleansRegistry.WebFrontend.Audit;

namespace OrleansRegistry.WebFrontend.SignIn;

/// <summary>
/// The sign-in flow's hooks: the exact configured redirect URI, the user recorded and their group roles applied once
/// the provider vouched for them, the session reduced to our own claims, and a failure shown for what it is.
/// </summary>
public sealed partial class OidcEvents(
    OidcSettings settings, IGrainFactory grains, GroupRoleSync groupRoles, AuthFailureAudit audit, ILogger<OidcEvents> logger) : OpenIdConnectEvents
{
    public const string UserIdClaim = "registry_user";

    public override async Task RedirectToIdentityProvider(RedirectContext context)
    {
        // The configured URI, not one built from this request's host: it is what the provider has registered (the
        // handler keeps the message's URI for the code exchange, which must repeat it).
        context.ProtocolMessage.RedirectUri = settings.RedirectUrl.OriginalString;
        if (logger.IsEnabled(LogLevel.Debug) && context.Options.ConfigurationManager is { } manager)
        {
            var discovery = await manager.GetConfigurationAsync(context.HttpContext.RequestAborted);
            LogDiscovery(logger, discovery.Issuer, discovery.AuthorizationEndpoint, discovery.TokenEndpoint, discovery.UserInfoEndpoint, discovery.JwksUri,
                discovery.PushedAuthorizationRequestEndpoint);
        }
    }

    public override async Task TicketReceived(TicketReceivedContext context)
    {
        var claims = context.Principal!.Claims.ToList();
        if (logger.IsEnabled(LogLevel.Debug))
        {
            LogClaims(logger, string.Join(", ", claims.Select(c => $"{c.Type}={c.Value}")));
        }

        string? Claim(string type) => claims.FirstOrDefault(c => c.Type == type)?.Value;
        var issuer = Claim("iss") ?? settings.IssuerText;
        var subject = Claim("sub");
        if (subject is null)
        {
            context.Fail("the identity provider's token has no 'sub' claim");
            return;
        }

        var userId = UserIds.For(issuer, subject);
        var user = await grains.GetGrain<IUserGrain>(userId).SignIn(new UserSignIn(issuer, subject, Claim("email"), Claim("name") ?? Claim("preferred_username")));
        var groups = claims.Where(c => c.Type == settings.GroupsClaim).Select(c => c.Value).ToArray();
        var grants = await groupRoles.SyncAsync(userId, groups);
        LogSignedIn(logger, userId, user.Email ?? "-", groups.Length, string.Join(", ", grants.Select(g => $"{g.Organization}:{g.Role}")));

        // The session carries who this is; what they may do is looked up when it matters (roles change).
        Claim[] session = [new(UserIdClaim, userId), new("name", user.Name ?? user.Email ?? userId), new("email", user.Email ?? "")];
        context.Principal = new ClaimsPrincipal(new ClaimsIdentity(session, SignInSetup.SessionScheme, "name", "role"));
    }

    public override async Task RemoteFailure(RemoteFailureContext context)
    {
        context.HandleResponse();
        var (status, message) = SignInFailures.Explain(context.Failure, settings);
        LogFailed(logger, context.Failure?.Message ?? "unknown", message);
        audit.Record(context.HttpContext, keyId: null, AuthFailureReasons.SignInFailed);
        await SignInFailures.WritePageAsync(context.HttpContext, status, message);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "OIDC discovery: issuer {Issuer}, authorization {Authorization}, token {Token}, userinfo {UserInfo}, jwks {Jwks}, PAR {Par}")]
    private static partial void LogDiscovery(ILogger logger, string issuer, string authorization, string token, string userInfo, string jwks, string? par);

    [LoggerMessage(Level = LogLevel.Debug, Message = "OIDC sign-in claims (tokens are never logged): {Claims}")]
    private static partial void LogClaims(ILogger logger, string claims);

    [LoggerMessage(Level = LogLevel.Information, Message = "Signed in user {UserId} ({Email}) with {Groups} group(s); roles from groups: {Grants}")]
    private static partial void LogSignedIn(ILogger logger, string userId, string email, int groups, string grants);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OIDC sign-in failed: {Failure} (shown as: {Message})")]
    private static partial void LogFailed(ILogger logger, string failure, string message);
}
