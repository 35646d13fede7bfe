using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.Auth;

/// <summary>
/// The Orleans dashboard shows grain state and logs, so it takes an admin key. Browsers get a Basic challenge
/// (any user name, the key as password); scripts may send a Bearer token.
/// </summary>
public sealed class DashboardAuthFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var (principal, failure) = await http.RequestServices.GetRequiredService<ApiKeyAuthenticator>()
            .RequireAsync(http, "Basic realm=\"OrleansRegistry dashboard\", charset=\"UTF-8\"");
        if (principal is null)
        {
            return failure;
        }

        return principal.IsAdmin ? await next(context) : ApiErrors.Forbidden(http, "the dashboard requires a key with the 'admin' scope");
    }
}
