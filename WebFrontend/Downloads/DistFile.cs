using Microsoft.Net.Http.Headers;
using OrleansRegistry.Storage;

namespace OrleansRegistry.WebFrontend.Downloads;

/// <summary>
/// Where a Composer dist is stored, private or mirrored alike, as the document cache keeps it. A small one is answered
/// from <see cref="DistContents"/>; a larger one, a range of one, or a conditional request is answered from the store.
/// In redirect mode the answer is a 302 to a fresh pre-signed store URL: the dist URL Composer writes into
/// composer.lock stays the registry's, and the key was checked before this.
/// </summary>
public sealed class DistFile(ArtifactInfo stored)
{
    public const string ContentType = "application/zip";

    /// <summary>The dist stored under <paramref name="storageKey"/>; null when there is none (any more).</summary>
    public static async Task<DistFile?> LoadAsync(IArtifactStore store, string? storageKey) =>
        storageKey is not null && await store.GetInfoAsync(storageKey, CancellationToken.None) is { } info ? new DistFile(info) : null;

    public async ValueTask<IResult> ServeAsync(HttpContext http, IArtifactStore store, DistContents contents, ArtifactLinks links)
    {
        if (links.Redirects)
        {
            // The link expires: no cache may keep the redirect longer than the link lives.
            http.Response.Headers.CacheControl = "private, no-store";
            return TypedResults.Redirect(await links.LinkAsync(stored.Key, "", links.ExpiryNow(), http.RequestAborted));
        }

        if (stored.Size <= DistContents.MaxKeptBytes && !AsksForPartOrValidation(http.Request.Headers)
            && await contents.GetAsync(stored, store, http.RequestAborted) is { } kept)
        {
            return kept;
        }

        if (store.TryGetLocalPath(stored.Key) is { } path)
        {
            return TypedResults.PhysicalFile(path, ContentType, enableRangeProcessing: true);
        }

        return TypedResults.Stream(new ArtifactReadStream(store, stored), ContentType, lastModified: stored.LastModified, enableRangeProcessing: true);
    }

    /// <summary>Ranges and conditional requests are the file answer's to handle (Composer sends neither).</summary>
    private static bool AsksForPartOrValidation(IHeaderDictionary headers) =>
        headers.ContainsKey(HeaderNames.Range) || headers.ContainsKey(HeaderNames.IfNoneMatch) || headers.ContainsKey(HeaderNames.IfModifiedSince)
        || headers.ContainsKey(HeaderNames.IfRange) || headers.ContainsKey(HeaderNames.IfMatch) || headers.ContainsKey(HeaderNames.IfUnmodifiedSince);
}
