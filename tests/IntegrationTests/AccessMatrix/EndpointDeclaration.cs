using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.Ui.Session;

namespace OrleansRegistry.IntegrationTests.AccessMatrix;

/// <summary>
/// What one endpoint (one HTTP method of one route) of the running registry declares about who may call it, read
/// from its metadata: the scopes a key must hold (checked by the middleware or in the handler), whether the key must
/// be registry-wide, or why it is public — or that it is a web UI page, which takes a browser session and no key.
/// </summary>
internal sealed record EndpointDeclaration(string Method, string Pattern, string[] Scopes, bool RegistryWide, string? AnonymousReason, bool SessionPage = false)
{
    /// <summary>
    /// Answers the same with any key as without one: public endpoints, and web UI pages (keys open no page; without a
    /// session they send the browser to sign in, which the UI tests check with real sessions).
    /// </summary>
    public bool IsAnonymous => AnonymousReason is not null || SessionPage;

    public override string ToString() => $"{Method} {Pattern}";

    /// <summary>Every route endpoint the host serves, once per HTTP method (GET for those taking any method).</summary>
    public static IReadOnlyList<RouteEndpoint> Endpoints(IServiceProvider services) =>
        [.. services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()];

    public static IEnumerable<EndpointDeclaration> Read(RouteEndpoint endpoint)
    {
        var metadata = endpoint.Metadata;
        var scopes = metadata.GetOrderedMetadata<RequiredScope>().Select(r => r.Scope)
            .Concat(metadata.GetOrderedMetadata<ScopeCheckedInHandler>().Select(r => r.Scope)).ToArray();
        var methods = metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods is { Count: > 0 } declared ? declared : [HttpMethods.Get];
        foreach (var method in methods)
        {
            yield return new EndpointDeclaration(method, PatternOf(endpoint), scopes,
                metadata.GetMetadata<RegistryWideKeyRequired>() is not null, metadata.GetMetadata<AnonymousAccess>()?.Reason,
                metadata.GetMetadata<SessionAccess>() is not null);
        }
    }

    /// <summary>Why the endpoint declares no access, or a contradictory one; null when it declares exactly one.</summary>
    public static string? Problem(RouteEndpoint endpoint)
    {
        var metadata = endpoint.Metadata;
        var middleware = metadata.GetOrderedMetadata<RequiredScope>().Count > 0;
        var handler = metadata.GetOrderedMetadata<ScopeCheckedInHandler>().Count > 0;
        var anonymous = metadata.GetMetadata<AnonymousAccess>() is not null;
        var session = metadata.GetMetadata<SessionAccess>() is not null;
        var kinds = (middleware ? 1 : 0) + (handler ? 1 : 0) + (anonymous ? 1 : 0) + (session ? 1 : 0);
        var name = $"{endpoint.DisplayName} ({PatternOf(endpoint)})";
        if (kinds == 0)
        {
            return metadata.GetMetadata<IAllowAnonymous>() is not null
                ? $"{name}: AllowAnonymous() without a reason; use .AllowAnonymous(\"why it is public\") (OrleansRegistry.WebFrontend.Auth)"
                : $"{name}: declares no access; add .RequireScope(scope), .RequireScopeInHandler(scope), .AllowAnonymous(\"why it is public\") or (a UI page) .RequireSession()";
        }

        if (kinds > 1)
        {
            return $"{name}: declares more than one kind of access (RequireScope, RequireScopeInHandler, AllowAnonymous, RequireSession): keep one";
        }

        return anonymous && metadata.GetMetadata<RegistryWideKeyRequired>() is not null
            ? $"{name}: is public yet requires a registry-wide key"
            : null;
    }

    private static string PatternOf(RouteEndpoint endpoint)
    {
        var raw = endpoint.RoutePattern.RawText ?? "";
        return raw.StartsWith('/') ? raw : "/" + raw;
    }
}
