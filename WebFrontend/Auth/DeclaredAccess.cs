using Microsoft.AspNetCore.Authorization;

namespace OrleansRegistry.WebFrontend.Auth;

/// <summary>
/// Endpoint metadata: the endpoint is public by design, and <see cref="Reason"/> says why (so a review reads it next to
/// the route). An <see cref="IAllowAnonymous"/>, as ASP.NET's own <c>AllowAnonymous()</c>, which gives no reason.
/// </summary>
public sealed record AnonymousAccess(string Reason) : IAllowAnonymous;

/// <summary>
/// Endpoint metadata: the endpoint authenticates the request itself (not <see cref="EndpointAccessMiddleware"/>: it
/// answers with its own challenge) and requires a key holding <see cref="Scope"/>.
/// </summary>
public sealed record ScopeCheckedInHandler(string Scope);

/// <summary>
/// Endpoint metadata: only a registry-wide key (<see cref="ApiKeys.ApiKeyPrincipal.IsRegistryWide"/>: not a member's,
/// not one limited to namespaces) may call it, whatever its scopes; <see cref="EndpointAccessMiddleware"/> checks it
/// after the scopes of <see cref="RequiredScope"/>. An organization's admin holds <c>admin</c> within its organization
/// only, so the scope alone cannot tell.
/// </summary>
public sealed record RegistryWideKeyRequired
{
    public static RegistryWideKeyRequired Instance { get; } = new();
}

/// <summary>
/// Every endpoint declares who may call it: <see cref="RequiredScopeExtensions.RequireScope"/>, or one of these. The
/// access matrix test (tests/IntegrationTests/AccessMatrix) fails for an endpoint that declares none, and checks every
/// identity against what each endpoint declares.
/// </summary>
public static class DeclaredAccessExtensions
{
    /// <summary>Public by design, for <paramref name="reason"/>: no key is asked for.</summary>
    public static TBuilder AllowAnonymous<TBuilder>(this TBuilder builder, string reason) where TBuilder : IEndpointConventionBuilder =>
        string.IsNullOrWhiteSpace(reason)
            ? throw new ArgumentException("say why the endpoint is public", nameof(reason))
            : builder.WithMetadata(new AnonymousAccess(reason));

    /// <summary>The endpoint authenticates the request itself and requires <paramref name="scope"/>.</summary>
    public static TBuilder RequireScopeInHandler<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ScopeCheckedInHandler(scope));

    /// <summary>Only a registry-wide key may call the endpoint (see <see cref="RegistryWideKeyRequired"/>).</summary>
    public static TBuilder RequireRegistryWideKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(RegistryWideKeyRequired.Instance);
}
