using Npgsql;
using OrleansRegistry.Storage;

namespace OrleansRegistry.WebFrontend.Errors;

/// <summary>
/// Turns what escapes an endpoint into the JSON error shape: client mistakes become 4xx, a dependency that is down
/// (the cluster, the database) 503 with Retry-After, anything else a 500 without details (the details go to the log,
/// never to the client). An error status that nothing wrote a body for (405 from routing, a 416 for a range past the
/// end) gets the JSON shape too — here rather than in ASP.NET's status-code-pages middleware, which would add a
/// middleware and a feature object to every request (see docs/performance.md#per-request-allocations).
/// </summary>
public sealed partial class ErrorHandlingMiddleware(RequestDelegate next, ILogger<ErrorHandlingMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext http)
    {
        try
        {
            await next(http);
            var response = http.Response;
            if (response.StatusCode >= 400 && !response.HasStarted && (response.ContentLength == 0 || (response.ContentLength is null && response.ContentType is null)))
            {
                response.ContentLength = null;
                response.ContentType = null;
                await ApiErrors.WriteAsync(http, response.StatusCode, DescribeBodiless(http));
            }
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody to answer.
        }
        catch (Exception e) when (!http.Response.HasStarted)
        {
            var (status, message) = Classify(e);
            if (status >= 500)
            {
                LogFailure(logger, e, http.Request.Method, http.Request.Path, status);
            }

            http.Response.Clear();
            if (status == StatusCodes.Status503ServiceUnavailable)
            {
                http.Response.Headers.RetryAfter = OutcomeHttp.RetryAfterSeconds;
            }

            await ApiErrors.WriteAsync(http, status, message);
        }
    }

    private static (int Status, string Message) Classify(Exception e)
    {
        for (var cause = e; cause is not null; cause = cause.InnerException)
        {
            switch (cause)
            {
                case BadHttpRequestException bad:
                    return (bad.StatusCode, bad.Message);
                case ArtifactTooLargeException tooLarge:
                    return (StatusCodes.Status413PayloadTooLarge, tooLarge.Message);
                case DependencyUnavailableException dependency:
                    return (StatusCodes.Status503ServiceUnavailable, dependency.Message);
                case ArtifactNotFoundException missing:
                    return (StatusCodes.Status404NotFound, missing.Message);
                case ArtifactStoreUnavailableException:
                    return (StatusCodes.Status503ServiceUnavailable, "the artifact store is unavailable; retry shortly");

                // A grain whose state could not be read fails to activate with the driver's own exception.
                case NpgsqlException:
                    return (StatusCodes.Status503ServiceUnavailable, "the database is unavailable; retry shortly");
                case var _ when ClusterFailures.IsCluster(cause):
                    return (StatusCodes.Status503ServiceUnavailable, "the registry cluster is unavailable; retry shortly");
            }
        }

        return (StatusCodes.Status500InternalServerError, "internal error");
    }

    private static string DescribeBodiless(HttpContext http) => http.Response.StatusCode switch
    {
        StatusCodes.Status416RangeNotSatisfiable => $"the requested range is not satisfiable ({http.Response.Headers.ContentRange})",
        StatusCodes.Status405MethodNotAllowed => $"{http.Request.Method} is not allowed on {http.Request.Path}",
        _ => $"{http.Request.Method} {http.Request.Path} failed with status {http.Response.StatusCode}",
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {Method} {Path} failed ({Status})")]
    private static partial void LogFailure(ILogger logger, Exception exception, string method, string path, int status);
}
