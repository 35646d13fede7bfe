using Orleans.Runtime;
using OrleansRegistry.Storage;

namespace OrleansRegistry.WebFrontend.Errors;

/// <summary>
/// Turns what escapes an endpoint into the JSON error shape: client mistakes become 4xx, an unreachable cluster
/// 503, anything else a 500 without details (the details go to the log, never to the client). An error status that
/// nothing wrote a body for (405 from routing, say) gets the JSON shape too — here rather than in ASP.NET's
/// status-code-pages middleware, which cost a middleware and a feature object on every request.
/// </summary>
public sealed partial class ErrorHandlingMiddleware(RequestDelegate next, ILogger<ErrorHandlingMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext http)
    {
        try
        {
            await next(http);
            var response = http.Response;
            if (response.StatusCode >= 400 && !response.HasStarted && response.ContentLength is null && response.ContentType is null)
            {
                await ApiErrors.WriteAsync(http, response.StatusCode, $"{http.Request.Method} {http.Request.Path} failed with status {response.StatusCode}");
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
                LogFailure(logger, e, http.Request.Method, http.Request.Path);
            }

            http.Response.Clear();
            if (status == StatusCodes.Status503ServiceUnavailable)
            {
                http.Response.Headers.RetryAfter = "5";
            }

            await ApiErrors.WriteAsync(http, status, message);
        }
    }

    private static (int Status, string Message) Classify(Exception e) => e switch
    {
        BadHttpRequestException bad => (bad.StatusCode, bad.Message),
        ArtifactTooLargeException tooLarge => (StatusCodes.Status413PayloadTooLarge, tooLarge.Message),
        OrleansMessageRejectionException or SiloUnavailableException or TimeoutException
            => (StatusCodes.Status503ServiceUnavailable, ClusterUnavailable),
        OrleansException or InvalidOperationException when MentionsConnectivity(e.Message)
            => (StatusCodes.Status503ServiceUnavailable, ClusterUnavailable),
        _ => (StatusCodes.Status500InternalServerError, "internal error"),
    };

    private const string ClusterUnavailable = "the registry cluster is unavailable; retry shortly";

    private static bool MentionsConnectivity(string message) =>
        message.Contains("gateway", StringComparison.OrdinalIgnoreCase)
        || message.Contains("not connected", StringComparison.OrdinalIgnoreCase)
        || message.Contains("not initialized", StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {Method} {Path} failed")]
    private static partial void LogFailure(ILogger logger, Exception exception, string method, string path);
}
