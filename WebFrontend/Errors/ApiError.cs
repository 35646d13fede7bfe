using System.Text.Json.Serialization;

namespace OrleansRegistry.WebFrontend.Errors;

/// <summary>The one error shape of every endpoint: <c>{"error": "...", "request_id": "..."}</c>.</summary>
public sealed record ApiError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("request_id")] string RequestId);

public static class ApiErrors
{
    public static IResult Result(HttpContext http, int status, string message) =>
        TypedResults.Json(new ApiError(message, http.TraceIdentifier), FrontendJson.Options, statusCode: status);

    public static Task WriteAsync(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(new ApiError(message, http.TraceIdentifier), FrontendJson.Options);
    }

    public static IResult BadRequest(HttpContext http, string message) => Result(http, StatusCodes.Status400BadRequest, message);

    public static IResult NotFound(HttpContext http, string message) => Result(http, StatusCodes.Status404NotFound, message);

    public static IResult Conflict(HttpContext http, string message) => Result(http, StatusCodes.Status409Conflict, message);

    public static IResult Forbidden(HttpContext http, string message) => Result(http, StatusCodes.Status403Forbidden, message);
}
