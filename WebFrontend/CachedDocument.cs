using Microsoft.Net.Http.Headers;

namespace OrleansRegistry.WebFrontend;

/// <summary>Writes a grain's precomputed document, answering conditional requests with 304.</summary>
public static class CachedDocument
{
    public static IResult Serve(HttpContext http, ProtocolDocument document)
    {
        var headers = http.Response.GetTypedHeaders();
        var lastModified = TruncateToSeconds(document.LastModified);
        http.Response.Headers.ETag = document.ETag;
        headers.LastModified = lastModified;
        http.Response.Headers.CacheControl = "private, no-cache";

        var request = http.Request.GetTypedHeaders();
        var notModified = request.IfNoneMatch.Count > 0
            ? request.IfNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Tag == document.ETag)
            : request.IfModifiedSince is { } since && lastModified <= since;
        return notModified
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Bytes(document.Body, "application/json");
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset t) => t.AddTicks(-(t.Ticks % TimeSpan.TicksPerSecond));
}
