
namespace OrleansRegistry.WebFrontend.Errors;

/// <summary>
/// The one error shape of every endpoint: RFC 9457 problem details (<c>application/problem+json</c>) carrying two
/// more members, <c>error</c> (the detail again) and <c>request_id</c>, which clients of the earlier
/// <c>{"error", "request_id"}</c> shape read.
/// </summary>
public static class ApiErrors
{
    public static ProblemHttpResult Problem(HttpContext http, int status, string message) =>
        TypedResults.Problem(detail: message, statusCode: status, extensions: new Dictionary<string, object?>
        {
            ["error"] = message,
            ["request_id"] = http.TraceIdentifier,
        });

    /// <summary>For middleware, which writes to the response rather than returning a result.</summary>
    public static Task WriteAsync(HttpContext http, int status, string message) => Problem(http, status, message).ExecuteAsync(http);

    public static ProblemHttpResult BadRequest(HttpContext http, string message) => Problem(http, StatusCodes.Status400BadRequest, message);

    public static ProblemHttpResult NotFound(HttpContext http, string message) => Problem(http, StatusCodes.Status404NotFound, message);

    public static ProblemHttpResult Conflict(HttpContext http, string message) => Problem(http, StatusCodes.Status409Conflict, message);

    public static ProblemHttpResult Forbidden(HttpContext http, string message) => Problem(http, StatusCodes.Status403Forbidden, message);
}
