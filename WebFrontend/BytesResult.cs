namespace OrleansRegistry.WebFrontend;

/// <summary>
/// A 200 with fixed bytes. Unlike <c>TypedResults.Bytes</c> it holds nothing per request, so one instance answers every
/// read of the same bytes, and it resolves no logger from the request's services (resolving one makes the request
/// create a DI scope: see docs/performance.md#per-request-allocations).
/// </summary>
public sealed class BytesResult(byte[] body, string contentType) : IResult
{
    public byte[] Bytes { get; } = body;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.ContentLength = Bytes.Length;
        return response.Body.WriteAsync(Bytes).AsTask();
    }
}
