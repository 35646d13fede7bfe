using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using OrleansRegistry.Storage;
using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.Api;

/// <summary>One file part streamed into the artifact store while hashing.</summary>
public sealed record UploadedFile(string FieldName, string FileName, StoredArtifact Artifact);

/// <summary>The fields and stored files of a multipart upload.</summary>
public sealed record MultipartUpload(IReadOnlyDictionary<string, string> Fields, IReadOnlyList<UploadedFile> Files);

/// <summary>
/// Reads <c>multipart/form-data</c> section by section: small fields into memory, files straight into the
/// artifact store (never buffered whole). On any failure the files already stored are deleted.
/// </summary>
public static class MultipartUploadReader
{
    private const int MaxFieldBytes = 4096;
    private const int MaxFields = 32;

    /// <param name="storageKeyFor">Picks the store key for a file part from its file name; null rejects the part.</param>
    public static async Task<(MultipartUpload? Upload, int Status, string? Problem)> ReadAsync(
        HttpRequest request, IArtifactStore store, long maxFileBytes, Func<string, string?> storageKeyFor, int maxFiles = 1)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
        {
            return (null, StatusCodes.Status400BadRequest, "the body must be multipart/form-data with a boundary");
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = (maxFileBytes * maxFiles) + (1 << 20);
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = new List<UploadedFile>();
        var cancellationToken = request.HttpContext.RequestAborted;
        try
        {
            var reader = new MultipartReader(boundary, request.Body);
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                {
                    return await FailAsync(files, store, StatusCodes.Status400BadRequest, "every multipart section needs Content-Disposition: form-data");
                }

                var field = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (disposition.IsFileDisposition())
                {
                    var fileName = Path.GetFileName(HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "");
                    if (files.Count >= maxFiles)
                    {
                        return await FailAsync(files, store, StatusCodes.Status400BadRequest, $"too many files (at most {maxFiles})");
                    }

                    var key = storageKeyFor(fileName);
                    if (key is null)
                    {
                        return await FailAsync(files, store, StatusCodes.Status400BadRequest, $"unexpected file '{fileName}' in field '{field}'");
                    }

                    files.Add(new UploadedFile(field, fileName, await store.WriteAsync(key, section.Body, maxFileBytes, cancellationToken)));
                }
                else
                {
                    if (fields.Count >= MaxFields)
                    {
                        return await FailAsync(files, store, StatusCodes.Status400BadRequest, "too many form fields");
                    }

                    using var value = new StreamReader(section.Body);
                    var buffer = new char[MaxFieldBytes + 1];
                    var length = await value.ReadBlockAsync(buffer, cancellationToken);
                    if (length > MaxFieldBytes)
                    {
                        return await FailAsync(files, store, StatusCodes.Status400BadRequest, $"form field '{field}' is too long");
                    }

                    fields[field] = new string(buffer, 0, length);
                }
            }
        }
        catch (ArtifactTooLargeException e)
        {
            return await FailAsync(files, store, StatusCodes.Status413PayloadTooLarge, e.Message);
        }
        catch (ArtifactStoreUnavailableException)
        {
            // The store failed, not the upload: a 503 (from the error middleware), leaving nothing behind.
            await DeleteAsync(files, store);
            throw;
        }
        catch (BadHttpRequestException e)
        {
            return await FailAsync(files, store, e.StatusCode, e.Message);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            return await FailAsync(files, store, StatusCodes.Status400BadRequest, $"malformed multipart body: {e.Message}");
        }

        return (new MultipartUpload(fields, files), StatusCodes.Status200OK, null);
    }

    /// <summary>
    /// Reads the upload and hands it to <paramref name="publish"/>: a new version is 201 and keeps its files; the same
    /// content again (a retry whose answer was lost) is 200 with the version it made; a refusal is its problem. The
    /// stored files go unless the version was created: a rejected publish leaves nothing behind.
    /// </summary>
    public static async Task<Results<Created<T>, Ok<T>, ProblemHttpResult>> PublishAsync<T>(
        HttpContext http, IArtifactStore store, long maxFileBytes, Func<string, string?> storageKeyFor, int maxFiles,
        Func<MultipartUpload, Task<Outcome<T>>> publish)
    {
        var (upload, status, problem) = await ReadAsync(http.Request, store, maxFileBytes, storageKeyFor, maxFiles);
        if (upload is null)
        {
            return Errors.ApiErrors.Problem(http, status, problem!);
        }

        Outcome<T> outcome;
        try
        {
            outcome = await Errors.SiloLossRetry.RunAsync(() => publish(upload), http.RequestAborted);
        }
        catch (Exception e) when (StoredNothing(e))
        {
            // A failed publish leaves nothing behind: a retry uploads again. (When the outcome is unknown, a
            // timeout say, the files stay: the version may have been stored with them.)
            await DeleteAsync(upload.Files, store);
            throw;
        }

        if (outcome.Code != OutcomeCode.Created)
        {
            await DeleteAsync(upload.Files, store);
        }

        return outcome.Code switch
        {
            OutcomeCode.Created => TypedResults.Created((string?)null, outcome.Value),
            OutcomeCode.Unchanged => TypedResults.Ok(outcome.Value),
            _ => outcome.ToProblem(http),
        };
    }

    /// <summary>
    /// Failures after which nothing refers to the uploaded files: storage surely refused the write (the grain undid it
    /// in memory), or the call never reached a grain (no gateway; a grain that could not be activated).
    /// </summary>
    private static bool StoredNothing(Exception e) =>
        e is DependencyUnavailableException { NothingStored: true } or ArtifactStoreUnavailableException
        || (e is Orleans.Runtime.OrleansMessageRejectionException and not Orleans.Runtime.SiloUnavailableException)
        || (e.InnerException ?? e) is Npgsql.NpgsqlException;

    public static async Task DeleteAsync(IEnumerable<UploadedFile> files, IArtifactStore store)
    {
        foreach (var file in files)
        {
            await store.DeleteAsync(file.Artifact.Key, CancellationToken.None);
        }
    }

    private static async Task<(MultipartUpload?, int, string?)> FailAsync(List<UploadedFile> files, IArtifactStore store, int status, string problem)
    {
        await DeleteAsync(files, store);
        return (null, status, problem);
    }
}
