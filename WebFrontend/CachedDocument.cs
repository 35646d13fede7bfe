using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace OrleansRegistry.WebFrontend;

/// <summary>Writes a grain's precomputed document, answering conditional requests with 304.</summary>
public static class CachedDocument
{
    private static readonly IResult NotModified = TypedResults.StatusCode(StatusCodes.Status304NotModified);

    public static IResult Serve(HttpContext http, ProtocolDocument document)
    {
        var lastModified = TruncateToSeconds(document.LastModified);
        var headers = http.Response.Headers;
        headers.ETag = document.ETag;
        headers.LastModified = HeaderUtilities.FormatDate(lastModified);
        headers.CacheControl = "private, no-cache";
        return IsNotModified(http.Request.Headers, document.ETag, lastModified) ? NotModified : TypedResults.Bytes(document.Body, "application/json");
    }

    /// <summary>If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2); the usual single ETag is compared as is.</summary>
    private static bool IsNotModified(IHeaderDictionary request, string etag, DateTimeOffset lastModified)
    {
        var ifNoneMatch = request.IfNoneMatch;
        if (!StringValues.IsNullOrEmpty(ifNoneMatch))
        {
            if (ifNoneMatch.Count == 1 && ifNoneMatch[0] is { } single && (single == etag || single == "*"))
            {
                return true;
            }

            return EntityTagHeaderValue.TryParseList(ifNoneMatch, out var tags)
                && tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Tag == etag);
        }

        var ifModifiedSince = request.IfModifiedSince;
        return !StringValues.IsNullOrEmpty(ifModifiedSince)
            && HeaderUtilities.TryParseDate(ifModifiedSince.ToString(), out var since)
            && lastModified <= since;
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset t) => t.AddTicks(-(t.Ticks % TimeSpan.TicksPerSecond));
}
