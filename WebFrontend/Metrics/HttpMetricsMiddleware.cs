using System.Diagnostics;
using Prometheus;

namespace OrleansRegistry.WebFrontend.Metrics;

/// <summary>
/// <c>http_requests_total{method,route,status}</c> and <c>http_request_duration_seconds{method,route}</c>, labelled
/// by route template (never the raw path, which would explode the series count).
/// </summary>
public sealed class HttpMetricsMiddleware(RequestDelegate next)
{
    private static readonly Counter Requests = Prometheus.Metrics.CreateCounter(
        "http_requests_total", "HTTP requests by method, route template and status.", "method", "route", "status");

    private static readonly Histogram Duration = Prometheus.Metrics.CreateHistogram(
        "http_request_duration_seconds", "HTTP request duration by method and route template.",
        new HistogramConfiguration { LabelNames = ["method", "route"], Buckets = Histogram.ExponentialBuckets(0.0005, 2, 16) });

    public async Task InvokeAsync(HttpContext http)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(http);
        }
        finally
        {
            var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
            var method = http.Request.Method;
            Requests.WithLabels(method, route, http.Response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
            Duration.WithLabels(method, route).Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }
}
