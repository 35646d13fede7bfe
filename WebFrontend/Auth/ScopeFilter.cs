using OrleansRegistry.ApiKeys;
using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.Auth;

/// <summary>Endpoint filter: the request must carry a valid key holding <paramref name="scope"/>.</summary>
public sealed class ScopeFilter(string scope) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var (principal, failure) = await http.RequestServices.GetRequiredService<ApiKeyAuthenticator>().RequireAsync(http, "Bearer realm=\"registry\"");
        if (principal is null)
        {
            return failure;
        }

        if (!principal.Allows(scope))
        {
            return ApiErrors.Forbidden(http, $"the API key lacks the '{scope}' scope");
        }

        return await next(context);
    }
}

public static class ScopeFilterExtensions
{
    /// <summary>Requires a key with <paramref name="scope"/> on every endpoint of the builder.</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(new ScopeFilter(scope));

    /// <summary>The principal the scope filter authenticated.</summary>
    public static ApiKeyPrincipal Caller(this HttpContext http) =>
        (http.Items["registry.principal"] as AuthOutcome)?.Principal
        ?? throw new InvalidOperationException("endpoint has no RequireScope filter");

    /// <summary>403 when the caller's key is limited to other namespaces; null when allowed.</summary>
    public static IResult? ForbidUnlessNamespace(this HttpContext http, string ns) =>
        http.Caller().CanAccessNamespace(ns) ? null : ApiErrors.Forbidden(http, $"the API key may not access namespace '{ns}'");
}
