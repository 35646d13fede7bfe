namespace OrleansRegistry.WebFrontend;

/// <summary>
/// A status without a body, for answers whose headers are already set. Unlike <c>TypedResults.StatusCode</c> and
/// <c>NoContent</c> it resolves no logger from the request's services (resolving one makes the request create a DI
/// scope: see docs/performance.md#per-request-allocations).
/// </summary>
public sealed class StatusResult(int status) : IResult
{
    public static readonly IResult NotModified = new StatusResult(StatusCodes.Status304NotModified);

    public static readonly IResult NoContent = new StatusResult(StatusCodes.Status204NoContent);

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = status;
        return Task.CompletedTask;
    }
}
