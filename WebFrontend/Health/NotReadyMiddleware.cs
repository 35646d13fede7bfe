using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.Health;

/// <summary>
/// Until the host has started (for a separate frontend: until its Orleans client reached a gateway) every
/// request but health and metrics gets a JSON 503 at once instead of hanging or failing on a half-started client.
/// A stopping process keeps serving: it is draining (<see cref="ShutdownDrain"/>).
/// </summary>
public sealed class NotReadyMiddleware(RequestDelegate next, ReadinessState readiness)
{
    public Task InvokeAsync(HttpContext http)
    {
        if (readiness.Started || http.Request.Path.StartsWithSegments("/health") || http.Request.Path.StartsWithSegments("/metrics"))
        {
            return next(http);
        }

        http.Response.Headers.RetryAfter = OutcomeHttp.RetryAfterSeconds;
        return ApiErrors.WriteAsync(http, StatusCodes.Status503ServiceUnavailable, "the registry cluster is not reachable yet; retry shortly");
    }
}
