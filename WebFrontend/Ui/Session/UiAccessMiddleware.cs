using System.Net;

namespace OrleansRegistry.WebFrontend.Ui.Session;

/// <summary>
/// Checks every web UI page before it renders or takes a form post: without a session the browser is sent to the
/// sign-in page (which comes back to where it was going), and a page marked <see cref="RequiresScopeAttribute"/> is
/// refused with 403 — page and post alike — unless the session holds that scope. The caller is kept as a feature
/// for the page to read.
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
        var (caller, ended) = await sessions.ResolveAsync(http);
        if (ended is not null)
        {
            await sessions.SignOutAsync(http);
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
            http.Response.ContentType = "text/html; charset=utf-8";
            await http.Response.WriteAsync(ForbiddenPage(required.Scope));
            return;
        }

        await next(http);
    }

    // The head matches the app's (App.razor): the empty icon keeps browsers from asking for a /favicon.ico nobody serves.
    private static string ForbiddenPage(string scope) => $"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Not allowed</title>
        <link rel="stylesheet" href="/ui/site.css"><link rel="icon" href="data:,"></head>
        <body><main class="narrow"><h1>Not allowed</h1>
        <p>This page needs the <code>{WebUtility.HtmlEncode(scope)}</code> permission, which your sign-in does not have.
        Ask an administrator of your organization for a role that includes it.</p>
        <p><a href="/ui">Back to the catalog</a></p></main></body></html>
        """;
}
