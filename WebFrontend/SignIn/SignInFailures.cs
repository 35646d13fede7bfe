using System.Net;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace OrleansRegistry.WebFrontend.SignIn;

/// <summary>
/// Sign-in failures in words an operator can act on: the mismatches a new setup meets (issuer, redirect URI, client
/// secret) named as such, shown to the browser on a small page (and logged by the caller).
/// </summary>
public static class SignInFailures
{
    public static (int Status, string Message) Explain(Exception? failure, OidcSettings settings)
    {
        var text = failure?.Message ?? "";
        var providerError = (failure as OpenIdConnectProtocolException)?.Data["error"] as string ?? text;
        if (text.Contains("IDX10205", StringComparison.Ordinal) || text.Contains("IDX10211", StringComparison.Ordinal))
        {
            return (StatusCodes.Status502BadGateway, $"The identity provider's token names another issuer than {settings.IssuerText} (REGISTRY_OIDC_ISSUER_URL). Set it to exactly the 'issuer' of {settings.IssuerText}/.well-known/openid-configuration. ({text})");
        }

        if (text.Contains("redirect_uri", StringComparison.OrdinalIgnoreCase))
        {
            return (StatusCodes.Status502BadGateway, $"The identity provider does not accept the redirect URI {settings.RedirectUrl} for client '{settings.ClientId}'. Register exactly this URI with the provider, or set REGISTRY_OIDC_REDIRECT_URL to the one registered. ({text})");
        }

        if (providerError.Contains("invalid_client", StringComparison.Ordinal) || text.Contains("invalid_client", StringComparison.Ordinal))
        {
            return (StatusCodes.Status502BadGateway, $"The identity provider refused client '{settings.ClientId}': check REGISTRY_OIDC_CLIENT_ID and REGISTRY_OIDC_CLIENT_SECRET. ({text})");
        }

        if (text.Contains("access_denied", StringComparison.Ordinal))
        {
            return (StatusCodes.Status403Forbidden, "Sign-in was declined at the identity provider.");
        }

        if (text.Contains("Correlation failed", StringComparison.Ordinal) || text.Contains("state", StringComparison.OrdinalIgnoreCase))
        {
            return (StatusCodes.Status400BadRequest, "This sign-in expired or was started in another browser (its cookie is missing): start again at /auth/signin.");
        }

        return (StatusCodes.Status502BadGateway, $"Sign-in failed at the identity provider: {text}");
    }

    /// <summary>A minimal page: the browser is a person's, and this is all they (or their operator) need to read.</summary>
    public static async Task WritePageAsync(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        await http.Response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Sign-in failed</title></head>
            <body><h1>Sign-in failed</h1><p id="reason">{WebUtility.HtmlEncode(message)}</p><p><a href="/auth/signin">Try again</a></p></body></html>
            """);
    }
}
