using Microsoft.Extensions.Primitives;
using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.Hosting;

/// <summary>
/// Host filtering (REGISTRY_ALLOWED_HOSTS, e.g. <c>registry.example.com;*.registry.example.com</c>): a request whose Host
/// header names none of them gets a 400 that names the setting. Health and metrics are exempt, since probes and
/// scrapers address a pod by its IP. Matching is ASP.NET Core's own (<see cref="HostString.MatchesAny"/>: ports
/// ignored, <c>*.</c> wildcards); unset, every host is served.
/// </summary>
public sealed class AllowedHostsMiddleware(RequestDelegate next, StringSegment[] allowed)
{
    public const string Setting = "Registry:AllowedHosts";

    public Task InvokeAsync(HttpContext http)
    {
        var path = http.Request.Path;
        if (HostString.MatchesAny(http.Request.Host.Value ?? "", allowed) || path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics"))
        {
            return next(http);
        }

        return ApiErrors.WriteAsync(http, StatusCodes.Status400BadRequest,
            $"this registry does not answer to the host '{http.Request.Host}'; its names are set by REGISTRY_ALLOWED_HOSTS");
    }

    /// <summary>The configured host patterns (separated by ';' or ','), or null when every host is allowed.</summary>
    public static StringSegment[]? Read(IConfiguration configuration)
    {
        var hosts = (configuration[Setting] ?? "").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return hosts.Length == 0 || hosts.Contains("*") ? null : [.. hosts.Select(h => new StringSegment(h))];
    }
}
