using OrleansRegistry.Storage;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.Downloads;

/// <summary>Serves artifacts behind signed URLs: streamed (sendfile for local disk), with ranges, GET and HEAD, from any store.</summary>
public static class FilesEndpoints
{
    public static IEndpointRouteBuilder MapFiles(this IEndpointRouteBuilder app)
    {
        app.MapMethods(UrlSigner.FilesPrefix + "{**key}", [HttpMethods.Get, HttpMethods.Head], ServeAsync)
            .WithTags("Downloads").ExcludeFromDescription()
            .AllowAnonymous("signed URLs: the signature and its expiry are the credential (UrlSigner.Verify)");
        return app;
    }

    private static async Task<IResult> ServeAsync(string key, HttpContext http, UrlSigner signer, IArtifactStore store)
    {
        var problem = signer.Verify(UrlSigner.FilesPrefix + key, http.Request.Query["exp"], http.Request.Query["sig"]);
        if (problem is not null)
        {
            return ApiErrors.Problem(http, StatusCodes.Status403Forbidden, problem);
        }

        var contentType = ContentTypeOf(key);
        if (store.TryGetLocalPath(key) is { } path)
        {
            return TypedResults.PhysicalFile(path, contentType, enableRangeProcessing: true);
        }

        var artifact = await store.GetInfoAsync(key, http.RequestAborted);
        return artifact is null
            ? ApiErrors.NotFound(http, $"artifact {key} is not in the artifact store")
            : TypedResults.Stream(new ArtifactReadStream(store, artifact), contentType, lastModified: artifact.LastModified, enableRangeProcessing: true);
    }

    private static string ContentTypeOf(string key) =>
        key.EndsWith(".zip", StringComparison.Ordinal) ? "application/zip"
        : key.EndsWith(".tar.gz", StringComparison.Ordinal) ? "application/gzip"
        : "application/octet-stream";
}
