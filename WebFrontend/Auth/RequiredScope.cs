using OrleansRegistry.ApiKeys;
using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.Auth;

/// <summary>Endpoint metadata: the request must carry a valid key holding <see cref="Scope"/> (checked by <see cref="EndpointAccessMiddleware"/>).</summary>
public sealed record RequiredScope(string Scope);

public static class RequiredScopeExtensions
{
    /// <summary>Requires a key with <paramref name="scope"/> on every endpoint of the builder.</summary>
    /// <remarks>The OpenAPI document learns the two refusals the check can answer with.</remarks>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiredScope(scope)).ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);

    /// <summary>The principal <see cref="EndpointAccessMiddleware"/> authenticated.</summary>
    public static ApiKeyPrincipal Caller(this HttpContext http) =>
        http.Features.Get<AuthOutcome>()?.Principal
        ?? throw new InvalidOperationException("endpoint has no RequireScope");

    /// <summary>Forbidden when the caller's key is limited to other namespaces; null when allowed.</summary>
    public static Outcome? NamespaceRefusal(this HttpContext http, string ns) =>
        http.Caller().CanAccessNamespace(ns) ? null : new(OutcomeCode.Forbidden, $"the API key may not access namespace '{ns}'");

    /// <summary>Forbidden when the caller's key is limited to package patterns none of which matches <paramref name="package"/>.</summary>
    public static Outcome? PackageRefusal(this HttpContext http, string package) =>
        http.Caller().CanAccessPackage(package) ? null : new(OutcomeCode.Forbidden, $"the API key may not access package '{package}' (outside its package_patterns)");

    /// <summary>403 when the caller's key is limited to other namespaces; null when allowed.</summary>
    public static ProblemHttpResult? ForbidUnlessNamespace(this HttpContext http, string ns) => http.NamespaceRefusal(ns)?.ToProblem(http);
}
