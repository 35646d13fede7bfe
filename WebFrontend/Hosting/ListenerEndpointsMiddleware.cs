using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.Hosting;

/// <summary>
/// Each listener serves only its own endpoints, decided by the port the connection came in on (never by the Host
/// header, which a client chooses): the metrics listener serves <c>/metrics</c> and the health endpoints, the HTTP
/// and HTTPS listeners everything else but <c>/metrics</c> and the detailed <c>/health</c> (which names internal
/// hosts in its errors and probes the store), keeping <c>/health/live</c> and <c>/health/ready</c> for probes.
/// </summary>
public sealed class ListenerEndpointsMiddleware(RequestDelegate next, int metricsPort)
{
    public Task InvokeAsync(HttpContext http)
    {
        var path = http.Request.Path;
        var metrics = path.StartsWithSegments("/metrics");
        if (http.Connection.LocalPort == metricsPort)
        {
            if (!metrics && !path.StartsWithSegments("/health"))
            {
                return ApiErrors.WriteAsync(http, StatusCodes.Status404NotFound, $"the metrics listener serves /metrics and /health only, not {path}");
            }
        }
        else if (metrics || (path.StartsWithSegments("/health", out var rest) && !rest.HasValue))
        {
            return ApiErrors.WriteAsync(http, StatusCodes.Status404NotFound, $"{path} is served on the metrics listener only (REGISTRY_METRICS_PORT)");
        }

        return next(http);
    }
}
