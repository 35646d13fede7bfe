
namespace OrleansRegistry.WebFrontend.Errors;

/// <summary>The one mapping of a grain command's <see cref="OutcomeCode"/> to HTTP.</summary>
public static class OutcomeHttp
{
    /// <summary>How long a client should wait before asking again about something pending.</summary>
    public const string RetryAfterSeconds = "5";

    public static int StatusCodeOf(OutcomeCode code) => code switch
    {
        OutcomeCode.Done or OutcomeCode.Unchanged => StatusCodes.Status200OK,
        OutcomeCode.Created => StatusCodes.Status201Created,
        OutcomeCode.Accepted => StatusCodes.Status202Accepted,
        OutcomeCode.Pending => StatusCodes.Status503ServiceUnavailable,
        OutcomeCode.NotFound => StatusCodes.Status404NotFound,
        OutcomeCode.Invalid => StatusCodes.Status400BadRequest,
        OutcomeCode.Conflict => StatusCodes.Status409Conflict,
        OutcomeCode.Unauthorized => StatusCodes.Status401Unauthorized,
        OutcomeCode.Failed => StatusCodes.Status502BadGateway,
        OutcomeCode.Forbidden => StatusCodes.Status403Forbidden,
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "an outcome code without an HTTP status"),
    };

    /// <summary>The problem details of an outcome that did not succeed.</summary>
    public static ProblemHttpResult Problem(HttpContext http, OutcomeCode code, string? reason)
    {
        if (code == OutcomeCode.Pending)
        {
            http.Response.Headers.RetryAfter = RetryAfterSeconds;
        }

        return ApiErrors.Problem(http, StatusCodeOf(code), reason ?? $"the request ended as {code}");
    }

    public static ProblemHttpResult ToProblem(this Outcome outcome, HttpContext http) => Problem(http, outcome.Code, outcome.Reason);

    public static ProblemHttpResult ToProblem<T>(this Outcome<T> outcome, HttpContext http) => Problem(http, outcome.Code, outcome.Reason);

    /// <summary>204 for a change that succeeded, else its problem.</summary>
    public static Results<NoContent, ProblemHttpResult> ToNoContent(this Outcome outcome, HttpContext http) =>
        outcome.Succeeded ? TypedResults.NoContent() : outcome.ToProblem(http);
}
