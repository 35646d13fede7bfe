using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Prometheus;

namespace OrleansRegistry.WebFrontend.Metrics;

/// <summary>
/// <c>http_requests_total{method,route,status}</c> and <c>http_request_duration_seconds{method,route}</c>, labelled
/// by route template (never the raw path, which would explode the series count). Each (endpoint, method, status)
/// keeps its labelled series here, so a request pays one dictionary lookup instead of two label-set lookups.
/// </summary>
public sealed class HttpMetricsMiddleware(RequestDelegate next)
{
    private static readonly Counter Requests = Prometheus.Metrics.CreateCounter(
        "http_requests_total", "HTTP requests by method, route template and status.", "method", "route", "status");

    private static readonly Histogram Duration = Prometheus.Metrics.CreateHistogram(
        "http_request_duration_seconds", "HTTP request duration by method and route template.",
        new HistogramConfiguration { LabelNames = ["method", "route"], Buckets = Histogram.ExponentialBuckets(0.0005, 2, 16) });

    private readonly ConcurrentDictionary<(Endpoint? Endpoint, string Method, int Status), Series> _series = new();

    public async Task InvokeAsync(HttpContext http)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(http);
        }
        finally
        {
            var series = _series.GetOrAdd((http.GetEndpoint(), KnownMethod(http.Request.Method), http.Response.StatusCode), Create);
            series.Requests.Inc();
            series.Duration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    private static Series Create((Endpoint? Endpoint, string Method, int Status) key)
    {
        var route = (key.Endpoint as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
        return new Series(
            Requests.WithLabels(key.Method, route, key.Status.ToString(CultureInfo.InvariantCulture)),
            Duration.WithLabels(key.Method, route));
    }

    /// <summary>Standard methods as themselves, anything else as OTHER: a client cannot mint series.</summary>
    private static string KnownMethod(string method)
    {
        var canonical = HttpMethods.GetCanonicalizedValue(method);
        return IsStandard(canonical) ? canonical : "OTHER";
    }

    private static bool IsStandard(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsPost(method) || HttpMethods.IsPut(method)
        || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method) || HttpMethods.IsOptions(method);

    private sealed record Series(Counter.Child Requests, Histogram.Child Duration);
}
