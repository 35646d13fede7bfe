using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Google;
using Google.Cloud.Storage.V1;
using GcsObject = Google.Apis.Storage.v1.Data.Object;

namespace OrleansRegistry.Storage.Gcs;

/// <summary>
/// Artifacts as objects of one Cloud Storage bucket, under a key prefix. An upload is a resumable upload sent in
/// chunks of <see cref="ChunkSize"/> (the client's one buffer), hashed on the way through; Cloud Storage makes the
/// object only when the last chunk arrives, so a failed or oversized upload leaves an unfinished session (which
/// expires) and no object.
/// </summary>
public sealed class GcsArtifactStore(StorageClient client, string bucket, string prefix, string? projectId, string variables) : IArtifactStore
{
    /// <summary>A multiple of 256 KiB, as resumable uploads require; 8 MiB keeps a 500 MB upload to about 60 requests.</summary>
    public const int ChunkSize = 8 * 1024 * 1024;

    private readonly GcsErrors _errors = new(bucket, prefix, variables, client.Service.BaseUri);

    public async Task<StoredArtifact> WriteAsync(string key, Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        var objectName = ObjectName(key);
        await using var hashed = new HashingLimitedStream(content, maxBytes);
        var options = new UploadObjectOptions { ChunkSize = ChunkSize };
        try
        {
            await client.UploadObjectAsync(bucket, objectName, "application/octet-stream", hashed, options, cancellationToken);
        }
        catch (Exception e) when (TooLarge(e) is { } tooLarge)
        {
            throw tooLarge;
        }
        catch (Exception e) when (GcsErrors.IsStoreFailure(e))
        {
            throw _errors.Unavailable(key, e);
        }

        return hashed.Stored(key);
    }

    /// <summary>
    /// One GET of the object's media through the client's own HTTP client (so with its credential), handed over once
    /// the headers are in: the body streams to the caller with bounded memory. The client's DownloadObjectAsync only
    /// copies into a stream it is given, which would need a pipe and a task to pump it.
    /// </summary>
    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken) => OpenReadFromAsync(key, 0, cancellationToken);

    public async Task<Stream?> OpenReadFromAsync(string key, long offset, CancellationToken cancellationToken)
    {
        var media = new Uri($"{client.Service.BaseUri}b/{Uri.EscapeDataString(bucket)}/o/{Uri.EscapeDataString(ObjectName(key))}?alt=media");
        HttpResponseMessage response;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, media);
            if (offset > 0)
            {
                request.Headers.Range = new RangeHeaderValue(offset, null);
            }

            response = await client.Service.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (Exception e) when (GcsErrors.IsStoreFailure(e))
        {
            throw _errors.Unavailable(key, e);
        }

        try
        {
            if (response.IsSuccessStatusCode)
            {
                var content = await response.Content.ReadAsStreamAsync(cancellationToken);
                if (offset > 0 && response.StatusCode != HttpStatusCode.PartialContent)
                {
                    // A server may ignore Range (HTTP allows it) and send the whole object: skip to the offset.
                    await SkipAsync(content, offset, cancellationToken);
                }

                // The content owns the response from here: disposing it releases the connection.
                return content;
            }

            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            response.Dispose();
            return response.StatusCode == HttpStatusCode.NotFound && !GcsErrors.IsMissingBucket(body)
                ? null
                : throw _errors.Unavailable(key, new GoogleApiException("storage", GcsErrors.ErrorMessage(body)) { HttpStatusCode = response.StatusCode });
        }
        catch (Exception e) when (e is not ArtifactStoreUnavailableException)
        {
            response.Dispose();
            throw GcsErrors.IsStoreFailure(e) ? _errors.Unavailable(key, e) : e;
        }
    }

    public async Task<ArtifactInfo?> GetInfoAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var item = await client.GetObjectAsync(bucket, ObjectName(key), cancellationToken: cancellationToken);
            return new ArtifactInfo(key, (long)(item.Size ?? 0), item.UpdatedDateTimeOffset ?? DateTimeOffset.UnixEpoch);
        }
        catch (GoogleApiException e) when (GcsErrors.IsMissingObject(e))
        {
            return null;
        }
        catch (Exception e) when (GcsErrors.IsStoreFailure(e))
        {
            throw _errors.Unavailable(key, e);
        }
    }

    /// <summary>Objects are not files of this machine.</summary>
    public string? TryGetLocalPath(string key) => null;

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await client.DeleteObjectAsync(bucket, ObjectName(key), cancellationToken: cancellationToken);
        }
        catch (GoogleApiException e) when (GcsErrors.IsMissingObject(e))
        {
            // Already gone.
        }
        catch (Exception e) when (GcsErrors.IsStoreFailure(e))
        {
            throw _errors.Unavailable(key, e);
        }
    }

    /// <summary>
    /// A V4 signed URL, signed with the client's credential: locally with a service account key; with other
    /// Application Default Credentials (a VM's or workload identity's service account) through the IAM signBlob API,
    /// which needs iam.serviceAccounts.signBlob (the role Service Account Token Creator) on that service account.
    /// </summary>
    public async Task<Uri?> GetDownloadUrlAsync(string key, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        var objectName = ObjectName(key);
        UrlSigner signer;
        try
        {
            signer = client.CreateUrlSigner();
        }
        catch (InvalidOperationException e)
        {
            throw new ArtifactStoreUnavailableException(
                $"Google Cloud Storage bucket '{bucket}' cannot sign download URLs with these credentials: set {variables}CREDENTIALS_FILE to a service account JSON key, or use a service account's Application Default Credentials ({e.Message})", e);
        }

        try
        {
            var template = UrlSigner.RequestTemplate.FromBucket(bucket).WithObjectName(objectName).WithHttpMethod(HttpMethod.Get);
            return new Uri(await signer.SignAsync(template, UrlSigner.Options.FromExpiration(expires), cancellationToken));
        }
        catch (Exception e) when (GcsErrors.IsStoreFailure(e))
        {
            throw _errors.Unavailable(key, e);
        }
    }

    public async IAsyncEnumerable<ArtifactInfo> ListAsync(string keyPrefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var items = client.ListObjectsAsync(bucket, prefix + keyPrefix).GetAsyncEnumerator(cancellationToken);
        while (await _errors.GuardAsync(keyPrefix, items.MoveNextAsync))
        {
            GcsObject item = items.Current;
            yield return new ArtifactInfo(item.Name[prefix.Length..], (long)(item.Size ?? 0), item.UpdatedDateTimeOffset ?? DateTimeOffset.UnixEpoch);
        }
    }

    public async Task CreateIfMissingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await client.GetBucketAsync(bucket, cancellationToken: cancellationToken);
            return;
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.NotFound)
        {
            // Missing: created below.
        }
        catch (Exception e) when (GcsErrors.IsStoreFailure(e))
        {
            throw _errors.CreationFailed(e);
        }

        if (projectId is null)
        {
            throw new ArtifactStoreUnavailableException(
                $"Google Cloud Storage bucket '{bucket}' does not exist and cannot be created without a project: set {variables}PROJECT_ID", new InvalidOperationException("no project"));
        }

        try
        {
            await client.CreateBucketAsync(projectId, bucket, cancellationToken: cancellationToken);
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.Conflict)
        {
            // Created meanwhile by another process.
        }
        catch (Exception e) when (GcsErrors.IsStoreFailure(e))
        {
            throw _errors.CreationFailed(e);
        }
    }

    private string ObjectName(string key)
    {
        ArtifactKeys.Validate(key);
        return prefix + key;
    }

    /// <summary>The content's over-limit failure, which the upload may hand back wrapped.</summary>
    private static ArtifactTooLargeException? TooLarge(Exception? e) => e switch
    {
        null => null,
        ArtifactTooLargeException tooLarge => tooLarge,
        _ => TooLarge(e.InnerException),
    };

    private static async Task SkipAsync(Stream content, long count, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        while (count > 0 && await content.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), cancellationToken) is var read and > 0)
        {
            count -= read;
        }
    }
}
