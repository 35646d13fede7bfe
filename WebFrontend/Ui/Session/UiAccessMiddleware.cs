using System.Net;

namespace OrleansRegistry.WebFrontend.Ui.Session;

/// <summary>
/// Checks every web UI page before it renders or takes a form post: without a session the browser is sent to the
/// sign-in page (which comes back to where it was going), and a page marked <see cref="RequiresScopeAttribute"/> is
/// refused with 403 — page and post alike — unless the session holds that scope, and a key session whose key spent
/// its rate limit waits (429). The caller is kept as a feature for the page to read.
/// </summary>
public sealed class UiAccessMiddleware(RequestDelegate next, UiSessions sessions)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var metadata = http.GetEndpoint()?.Metadata;
        if (metadata?.GetMetadata<SessionAccess>() is null)
        {
            await next(http);
            return;
        }

        // A page of the session's own never goes to a shared cache.
        http.Response.Headers.CacheControl = "no-store";
        var (caller, ended, limitedUntil) = await sessions.ResolveAsync(http);
        if (ended is not null)
        {
            await sessions.SignOutAsync(http);
        }

        if (limitedUntil is { } until && metadata.GetMetadata<PublicPageAttribute>() is null)
        {
            // The key's hourly limit is spent: the session stays, as the key does; the page says when to come back.
            var seconds = Math.Max(1, (long)Math.Ceiling((until - DateTimeOffset.UtcNow).TotalSeconds));
            http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await WritePageAsync(http, "Slow down", $"""
                <p>The API key you signed in with has spent its hourly rate limit (it counts pages too). Try again in
                {(seconds < 120 ? $"{seconds} seconds" : $"{seconds / 60} minutes")}; your session holds until then.</p>
                """);
            return;
        }

        if (caller is not null)
        {
            http.Features.Set(caller);
        }

        if (metadata.GetMetadata<PublicPageAttribute>() is not null)
        {
            await next(http);
            return;
        }

        if (caller is null)
        {
            var target = http.Request.Path + http.Request.QueryString;
            var signIn = $"/ui/signin?return_url={WebUtility.UrlEncode(target)}" + (ended is null ? "" : $"&ended={WebUtility.UrlEncode(ended)}");
            http.Response.Redirect(signIn);
            return;
        }

        if (metadata.GetMetadata<RequiresScopeAttribute>() is { } required && !caller.Can(required.Scope))
        {
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            await WritePageAsync(http, "Not allowed", $"""
                <p>This page needs the <code>{WebUtility.HtmlEncode(required.Scope)}</code> permission, which your sign-in
                does not have. Ask an administrator of your organization for a role that includes it.</p>
                """);
            return;
        }

        await next(http);
    }

    // The head matches the app's (App.razor): the empty icon keeps browsers from asking for a /favicon.ico nobody serves.
    private static Task WritePageAsync(HttpContext http, string title, string body)
    {
        http.Response.ContentType = "text/html; charset=utf-8";
        return http.Response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>
            <link rel="stylesheet" href="/ui/site.css"><link rel="icon" href="data:,"></head>
            <body><main class="narrow"><h1>{title}</h1>
            {body}
            <p><a href="/ui">Back to the catalog</a></p></main></body></html>
            """);
    }
}
