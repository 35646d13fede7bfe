using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace OrleansRegistry.WebFrontend;

/// <summary>
/// A grain's precomputed document as this frontend serves it, with its validators formatted once: a cached read
/// answers from it (or with 304) without formatting a header or allocating a result.
/// </summary>
public sealed class ServedDocument : IEquatable<ServedDocument>
{
    public ServedDocument(ProtocolDocument document)
    {
        var lastModified = document.LastModified;
        LastModified = lastModified.AddTicks(-(lastModified.Ticks % TimeSpan.TicksPerSecond));
        LastModifiedHeader = HeaderUtilities.FormatDate(LastModified);
        ETag = document.ETag;
        Body = new BytesResult(document.Body, "application/json");
    }

    public string ETag { get; }

    /// <summary>Truncated to whole seconds, as HTTP dates are.</summary>
    public DateTimeOffset LastModified { get; }

    public string LastModifiedHeader { get; }

    public BytesResult Body { get; }

    /// <summary>The document, or 304 when the request's validators still match it.</summary>
    public IResult Serve(HttpContext http)
    {
        var headers = http.Response.Headers;
        headers.ETag = ETag;
        headers.LastModified = LastModifiedHeader;
        headers.CacheControl = "private, no-cache";
        return IsNotModified(http.Request.Headers) ? StatusResult.NotModified : Body;
    }

    /// <summary>The same response: the ETag is a hash of the bytes, and the same Last-Modified.</summary>
    public bool Equals(ServedDocument? other) => other is not null && other.ETag == ETag && other.LastModified == LastModified;

    public override bool Equals(object? obj) => Equals(obj as ServedDocument);

    public override int GetHashCode() => HashCode.Combine(ETag, LastModified);

    /// <summary>Wraps a document in its served form (for a cache's fetch).</summary>
    public static async Task<ServedDocument?> Of(Task<ProtocolDocument?> document) => await document is { } found ? new ServedDocument(found) : null;

    /// <summary>If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2); the usual single ETag is compared as is.</summary>
    private bool IsNotModified(IHeaderDictionary request)
    {
        var ifNoneMatch = request.IfNoneMatch;
        if (!StringValues.IsNullOrEmpty(ifNoneMatch))
        {
            if (ifNoneMatch.Count == 1 && ifNoneMatch[0] is { } single && (single == ETag || single == "*"))
            {
                return true;
            }

            return EntityTagHeaderValue.TryParseList(ifNoneMatch, out var tags)
                && tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Tag == ETag);
        }

        var ifModifiedSince = request.IfModifiedSince.ToString();
        return ifModifiedSince.Length > 0
            && (ifModifiedSince == LastModifiedHeader || (HeaderUtilities.TryParseDate(ifModifiedSince, out var since) && LastModified <= since));
    }
}
