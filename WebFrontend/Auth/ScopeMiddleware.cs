using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.Auth;

/// <summary>
/// Authenticates requests to endpoints marked with <see cref="RequiredScope"/> and checks every scope they require,
/// before the endpoint runs. A middleware reading endpoint metadata rather than an endpoint filter: filters make
/// minimal APIs box every handler argument into an invocation context on each request.
/// </summary>
public sealed class ScopeMiddleware(RequestDelegate next, ApiKeyAuthenticator authenticator)
{
    public Task InvokeAsync(HttpContext http)
    {
        var required = http.GetEndpoint()?.Metadata.GetOrderedMetadata<RequiredScope>();
        return required is null || required.Count == 0 ? next(http) : CheckAsync(http, required);
    }

    private async Task CheckAsync(HttpContext http, IReadOnlyList<RequiredScope> required)
    {
        var (principal, failure) = await authenticator.RequireAsync(http, "Bearer realm=\"registry\"");
        if (principal is null)
        {
            await failure!.ExecuteAsync(http);
            return;
        }

        foreach (var scope in required)
        {
            if (!principal.Allows(scope.Scope))
            {
                await ApiErrors.Forbidden(http, $"the API key lacks the '{scope.Scope}' scope").ExecuteAsync(http);
                return;
            }
        }

        await next(http);
    }
}
