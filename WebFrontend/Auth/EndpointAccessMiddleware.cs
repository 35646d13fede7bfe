using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.Auth;

/// <summary>
/// Who may call an endpoint, checked before it runs: clients the endpoint turns away (<see cref="RejectedClient"/>)
/// get their 400 first, then requests to endpoints marked with <see cref="RequiredScope"/> are authenticated and
/// checked for every scope they require, and for a registry-wide key where <see cref="RegistryWideKeyRequired"/>. A middleware reading endpoint metadata rather than endpoint filters: filters
/// make minimal APIs box every handler argument into an invocation context on each request.
/// </summary>
public sealed class EndpointAccessMiddleware(RequestDelegate next, ApiKeyAuthenticator authenticator)
{
    public Task InvokeAsync(HttpContext http)
    {
        var metadata = http.GetEndpoint()?.Metadata;
        if (metadata is null)
        {
            return next(http);
        }

        if (metadata.GetMetadata<RejectedClient>() is { } rejected && rejected.Matches(http.Request))
        {
            return ApiErrors.WriteAsync(http, StatusCodes.Status400BadRequest, rejected.Message);
        }

        var required = metadata.GetOrderedMetadata<RequiredScope>();
        return required.Count == 0 ? next(http) : CheckAsync(http, required, metadata.GetMetadata<RegistryWideKeyRequired>() is not null);
    }

    private async Task CheckAsync(HttpContext http, IReadOnlyList<RequiredScope> required, bool registryWide)
    {
        var (principal, failure) = await authenticator.RequireAsync(http, "Bearer realm=\"registry\"");
        if (principal is null)
        {
            await failure!.ExecuteAsync(http);
            return;
        }

        // Indexed: foreach over the IReadOnlyList would allocate an enumerator per request.
        for (var i = 0; i < required.Count; i++)
        {
            if (!principal.Allows(required[i].Scope))
            {
                await ApiErrors.Forbidden(http, $"the API key lacks the '{required[i].Scope}' scope").ExecuteAsync(http);
                return;
            }
        }

        if (registryWide && !principal.IsRegistryWide)
        {
            await ApiErrors.Forbidden(http, "only a registry-wide key (not limited to namespaces or an organization) may do this").ExecuteAsync(http);
            return;
        }

        await next(http);
    }
}
