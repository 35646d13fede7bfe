namespace OrleansRegistry.WebFrontend.Ui.Session;

/// <summary>
/// Endpoint metadata of every web UI page: the page is for a browser session (signed in with OIDC or an API key,
/// see <see cref="UiSessions"/>), checked by <see cref="UiAccessMiddleware"/>. API keys in headers open no page.
/// </summary>
public sealed record SessionAccess
{
    public static SessionAccess Instance { get; } = new();
}

/// <summary>On a page component: it is shown without a session (the sign-in page), for <see cref="Reason"/>.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class PublicPageAttribute(string reason) : Attribute
{
    public string Reason { get; } = reason;
}

/// <summary>
/// On a page component: the session must hold <see cref="Scope"/> somewhere (in some organization or registry-wide)
/// to open the page or post its forms; what it may then touch is checked again per namespace by the page.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class RequiresScopeAttribute(string scope) : Attribute
{
    public string Scope { get; } = scope;
}

public static class SessionAccessExtensions
{
    /// <summary>Declares the endpoints browser pages that <see cref="UiAccessMiddleware"/> checks.</summary>
    public static TBuilder RequireSession<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(SessionAccess.Instance);

    /// <summary>The caller <see cref="UiAccessMiddleware"/> resolved for this request (null on public pages without a session).</summary>
    public static UiCaller? UiCaller(this HttpContext http) => http.Features.Get<UiCaller>();
}
