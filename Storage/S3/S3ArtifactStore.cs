using System.Buffers;
using System.Net;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace OrleansRegistry.Storage.S3;

/// <summary>
/// Artifacts as objects of one S3 bucket, under a key prefix. An upload streams through one part buffer (a single
/// PUT when it fits, a multipart upload otherwise) while hashing, so memory stays bounded whatever the size; the
/// object appears only when the upload completes, and a failed one is aborted. Each part is in memory and signed
/// whole, without aws-chunked encoding, which not every S3-compatible server decodes.
/// </summary>
/// <param name="variables">The settings' environment variable prefix (<c>REGISTRY_STORAGE_S3_</c>, or a copy target's), for error messages.</param>
public sealed class S3ArtifactStore(IAmazonS3 s3, string bucket, string prefix, string variables = "REGISTRY_STORAGE_S3_") : IArtifactStore
{
    /// <summary>S3 parts are 5 MiB at least (but the last); 8 MiB keeps a 500 MB upload to about 60 parts.</summary>
    public const int PartSize = 8 * 1024 * 1024;

    public async Task<StoredArtifact> WriteAsync(string key, Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        var objectKey = ObjectKey(key);
        using var hasher = new ArtifactHasher(maxBytes);
        var buffer = ArrayPool<byte>.Shared.Rent(PartSize);
        string? uploadId = null;
        try
        {
            var parts = new List<PartETag>();
            while (true)
            {
                var filled = await content.ReadAtLeastAsync(buffer.AsMemory(0, PartSize), PartSize, throwOnEndOfStream: false, cancellationToken);
                hasher.Append(buffer.AsSpan(0, filled));
                var last = filled < PartSize;
                if (last && uploadId is null)
                {
                    await Guard(key, () => s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = objectKey, InputStream = new MemoryStream(buffer, 0, filled, writable: false), AutoCloseStream = false, UseChunkEncoding = false }, cancellationToken));
                    break;
                }

                uploadId ??= (await Guard(key, () => s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = objectKey }, cancellationToken))).UploadId;
                if (filled > 0 || parts.Count == 0)
                {
                    var part = await Guard(key, () => s3.UploadPartAsync(new UploadPartRequest
                    {
                        BucketName = bucket, Key = objectKey, UploadId = uploadId, PartNumber = parts.Count + 1,
                        InputStream = new MemoryStream(buffer, 0, filled, writable: false), PartSize = filled, UseChunkEncoding = false,
                    }, cancellationToken));
                    parts.Add(new PartETag(parts.Count + 1, part.ETag));
                }

                if (last)
                {
                    await Guard(key, () => s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = objectKey, UploadId = uploadId, PartETags = parts }, cancellationToken));
                    uploadId = null;
                    break;
                }
            }
        }
        catch when (uploadId is not null)
        {
            await AbortAsync(objectKey, uploadId);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return hasher.Stored(key);
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken) => OpenReadFromAsync(key, 0, cancellationToken);

    public async Task<Stream?> OpenReadFromAsync(string key, long offset, CancellationToken cancellationToken)
    {
        try
        {
            var request = new GetObjectRequest { BucketName = bucket, Key = ObjectKey(key) };
            if (offset > 0)
            {
                request.ByteRange = new ByteRange($"bytes={offset}-");
            }

            var response = await s3.GetObjectAsync(request, cancellationToken);
            return response.ResponseStream;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
        {
            return null;
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            throw Unavailable(key, e);
        }
    }

    public async Task<ArtifactInfo?> GetInfoAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var metadata = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = ObjectKey(key) }, cancellationToken);
            return new ArtifactInfo(key, metadata.ContentLength, metadata.LastModified is { } modified ? new DateTimeOffset(modified.ToUniversalTime()) : DateTimeOffset.UnixEpoch);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
        {
            return null;
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            throw Unavailable(key, e);
        }
    }

    /// <summary>Objects are not files of this machine.</summary>
    public string? TryGetLocalPath(string key) => null;

    public Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        Guard(key, () => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = ObjectKey(key) }, cancellationToken));

    public async Task<Uri?> GetDownloadUrlAsync(string key, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        var request = new GetPreSignedUrlRequest { BucketName = bucket, Key = ObjectKey(key), Verb = HttpVerb.GET, Expires = expires.UtcDateTime };
        if (s3.Config.ServiceURL is { } serviceUrl && serviceUrl.StartsWith("http:", StringComparison.OrdinalIgnoreCase))
        {
            request.Protocol = Protocol.HTTP;
        }

        return new Uri(await Guard(key, () => s3.GetPreSignedURLAsync(request)));
    }

    public async IAsyncEnumerable<ArtifactInfo> ListAsync(string keyPrefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix + keyPrefix };
        do
        {
            var page = await Guard(keyPrefix, () => s3.ListObjectsV2Async(request, cancellationToken));
            foreach (var item in page.S3Objects ?? [])
            {
                yield return new ArtifactInfo(item.Key[prefix.Length..], item.Size ?? 0, item.LastModified is { } modified ? new DateTimeOffset(modified.ToUniversalTime()) : DateTimeOffset.UnixEpoch);
            }

            request.ContinuationToken = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (request.ContinuationToken is not null);
    }

    public async Task CreateIfMissingAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Listing needs only s3:ListBucket, which the registry needs anyway; S3 servers differ in what creating
            // an existing bucket answers.
            await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 1 }, cancellationToken);
            return;
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket")
        {
            // Missing: created below.
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            throw new ArtifactStoreUnavailableException($"S3 bucket '{bucket}' could not be looked up: {Describe(e)}", e);
        }

        try
        {
            await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket, UseClientRegion = true }, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "BucketAlreadyOwnedByYou")
        {
            // Another process created it meanwhile.
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            throw new ArtifactStoreUnavailableException($"S3 bucket '{bucket}' could not be created: {Describe(e)}", e);
        }
    }

    private string ObjectKey(string key)
    {
        ArtifactKeys.Validate(key);
        return prefix + key;
    }

    private async Task AbortAsync(string objectKey, string uploadId)
    {
        try
        {
            await s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = objectKey, UploadId = uploadId }, CancellationToken.None);
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            // The bucket's lifecycle rule for incomplete uploads removes what is left.
        }
    }

    private async Task<T> Guard<T>(string key, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            throw Unavailable(key, e);
        }
    }

    /// <summary>Failures of the store, as opposed to the content's stream or a cancelled request.</summary>
    private static bool IsStoreFailure(Exception e) => e is AmazonServiceException or AmazonClientException or HttpRequestException;

    private ArtifactStoreUnavailableException Unavailable(string key, Exception e) =>
        new($"S3 bucket '{bucket}' failed on '{prefix}{key}': {Describe(e)}", e);

    /// <summary>The S3 error in words that say which setting or permission to look at.</summary>
    private string Describe(Exception e) => (e as AmazonS3Exception)?.ErrorCode switch
    {
        "NoSuchBucket" => $"the bucket does not exist ({variables}BUCKET, and {variables}REGION or _ENDPOINT); the registry creates buckets only with REGISTRY_STORAGE_CREATE_IF_MISSING=true",
        "AccessDenied" or "AllAccessDisabled" => AccessDenied,
        "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "ExpiredToken" or "InvalidToken" =>
            $"the credentials were refused ({e.Message}): check {variables}ACCESS_KEY_ID and _SECRET_ACCESS_KEY with {variables}AUTH_METHOD=static, or the SDK's default chain (environment, profile, IRSA, instance role)",
        "PermanentRedirect" or "AuthorizationHeaderMalformed" => $"the bucket is in another region ({e.Message}): set {variables}REGION",
        // A HEAD's 403 has no body to carry an error code.
        _ when e is AmazonServiceException { StatusCode: HttpStatusCode.Forbidden } => AccessDenied,
        _ => e.Message,
    };

    private const string AccessDenied = "access denied: the registry needs s3:GetObject, s3:PutObject, s3:DeleteObject and s3:ListBucket on the bucket (and its prefix)";
}
