using Microsoft.Net.Http.Headers;
using OrleansRegistry.Storage;

namespace OrleansRegistry.WebFrontend.Downloads;

/// <summary>
/// Where a Composer dist is stored, private or mirrored alike, as the document cache keeps it. A small one is answered
/// from <see cref="DistContents"/>; a larger one, or a range of one, is streamed from the store.
/// </summary>
public sealed class DistFile(string storageKey, long size)
{
    public const string ContentType = "application/zip";

    /// <summary>The dist stored under <paramref name="storageKey"/>; null when there is none (any more).</summary>
    public static async Task<DistFile?> LoadAsync(IArtifactStore store, string? storageKey) =>
        storageKey is not null && await store.GetInfoAsync(storageKey, CancellationToken.None) is { } info ? new DistFile(storageKey, info.Size) : null;

    public async ValueTask<IResult> ServeAsync(HttpContext http, IArtifactStore store, DistContents contents)
    {
        if (size <= DistContents.MaxKeptBytes && !http.Request.Headers.ContainsKey(HeaderNames.Range)
            && await contents.GetAsync(storageKey, size, store, http.RequestAborted) is { } kept)
        {
            return kept;
        }

        if (store.TryGetLocalPath(storageKey) is { } path)
        {
            return TypedResults.PhysicalFile(path, ContentType, enableRangeProcessing: true);
        }

        var stream = await store.OpenReadAsync(storageKey, http.RequestAborted);
        return stream is null ? Errors.ApiErrors.NotFound(http, "the dist no longer exists") : TypedResults.Stream(stream, ContentType, enableRangeProcessing: true);
    }
}
