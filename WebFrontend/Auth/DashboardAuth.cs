using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.Auth;

/// <summary>
/// The Orleans dashboard shows grain state and logs of every organization and namespace, so it takes a registry-wide
/// admin key: an organization's admin holds <c>admin</c> within its organization only, and a key limited to namespaces
/// or package patterns would see beyond them. Browsers get a Basic challenge
/// (any user name, the key as password); scripts may send a Bearer token. The dashboard's silo endpoints take a silo
/// address from the path and would fail on one that is not, so it is checked here first.
/// </summary>
public sealed class DashboardAuthFilter : IEndpointFilter
{
    private static readonly string[] SiloEndpoints = ["HistoricalStats", "SiloProperties", "SiloMetadata", "SiloStats", "SiloCounters"];

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var (principal, failure) = await http.RequestServices.GetRequiredService<ApiKeyAuthenticator>()
            .RequireAsync(http, "Basic realm=\"OrleansRegistry dashboard\", charset=\"UTF-8\"");
        if (principal is null)
        {
            return failure;
        }

        if (principal is not { IsAdmin: true, IsRegistryWide: true, PackagePatterns: null })
        {
            return ApiErrors.Forbidden(http, "the dashboard requires a registry-wide key with the 'admin' scope (not a member's, nor one limited to namespaces or package patterns)");
        }

        if (SiloAddressProblem(http.Request.Path.Value ?? "") is { } problem)
        {
            return ApiErrors.BadRequest(http, problem);
        }

        return await next(context);
    }

    /// <summary>For <c>/dashboard/SiloStats/{address}</c> and its kind: why the address is not a silo's (host:port@generation), or null.</summary>
    private static string? SiloAddressProblem(string path)
    {
        var parts = path.Split('/', 4, StringSplitOptions.None);
        if (parts.Length < 4 || !SiloEndpoints.Contains(parts[2], StringComparer.Ordinal))
        {
            return null;
        }

        var address = Uri.UnescapeDataString(parts[3]);
        try
        {
            SiloAddress.FromParsableString(address);
            return null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or IndexOutOfRangeException or OverflowException)
        {
            return $"'{address}' is not a silo address (ip:port@generation, as the dashboard lists them)";
        }
    }
}
