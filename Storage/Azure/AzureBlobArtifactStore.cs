using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace OrleansRegistry.Storage.Azure;

/// <summary>
/// Artifacts as block blobs of one Azure container, under a key prefix. An upload streams through one block buffer
/// (a single Put Blob when it fits, staged blocks and a commit of the block list otherwise) while hashing, so memory
/// stays bounded whatever the size; the blob appears only when the upload or the commit succeeds.
/// </summary>
public sealed class AzureBlobArtifactStore(BlobContainerClient container, string prefix, AzureSasSigner signer, AzureStoreFailures failures) : IArtifactStore
{
    /// <summary>8 MiB keeps a 500 MB upload to about 60 blocks, far below Azure's 50,000 per blob.</summary>
    public const int BlockSize = 8 * 1024 * 1024;

    public async Task<StoredArtifact> WriteAsync(string key, Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        var blob = container.GetBlockBlobClient(BlobName(key));
        using var hasher = new ArtifactHasher(maxBytes);
        var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
        // Block ids of this upload only: two uploads of one key at once must not commit each other's blocks.
        var upload = Guid.NewGuid();
        var blocks = new List<string>();
        try
        {
            while (true)
            {
                var filled = await content.ReadAtLeastAsync(buffer.AsMemory(0, BlockSize), BlockSize, throwOnEndOfStream: false, cancellationToken);
                // Past the limit, blocks staged so far are never committed: they are not part of any blob, and Azure
                // discards uncommitted blocks by itself after a week, so there is nothing to clean up.
                hasher.Append(buffer.AsSpan(0, filled));
                var last = filled < BlockSize;
                if (last && blocks.Count == 0)
                {
                    await Guard(key, () => blob.UploadAsync(new MemoryStream(buffer, 0, filled, writable: false), new BlobUploadOptions(), cancellationToken));
                    break;
                }

                if (filled > 0)
                {
                    var id = BlockId(upload, blocks.Count);
                    await Guard(key, () => blob.StageBlockAsync(id, new MemoryStream(buffer, 0, filled, writable: false), new BlockBlobStageBlockOptions(), cancellationToken));
                    blocks.Add(id);
                }

                if (last)
                {
                    await Guard(key, () => blob.CommitBlockListAsync(blocks, new CommitBlockListOptions(), cancellationToken));
                    break;
                }
            }
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
        var blobName = BlobName(key);
        try
        {
            var options = new BlobDownloadOptions { Range = new HttpRange(offset) };
            var download = await container.GetBlobClient(blobName).DownloadStreamingAsync(options, cancellationToken);
            return download.Value.Content;
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.BlobNotFound)
        {
            return null;
        }
        catch (Exception e) when (AzureStoreFailures.IsStoreFailure(e))
        {
            throw failures.Unavailable(blobName, e);
        }
    }

    public async Task<ArtifactInfo?> GetInfoAsync(string key, CancellationToken cancellationToken)
    {
        var blobName = BlobName(key);
        try
        {
            var properties = (await container.GetBlobClient(blobName).GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            return new ArtifactInfo(key, properties.ContentLength, properties.LastModified);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.BlobNotFound)
        {
            return null;
        }
        catch (Exception e) when (AzureStoreFailures.IsStoreFailure(e))
        {
            throw failures.Unavailable(blobName, e);
        }
    }

    /// <summary>Blobs are not files of this machine.</summary>
    public string? TryGetLocalPath(string key) => null;

    public Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        Guard(key, () => container.GetBlobClient(BlobName(key)).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken));

    public Task<Uri?> GetDownloadUrlAsync(string key, DateTimeOffset expires, CancellationToken cancellationToken) =>
        Guard(key, () => signer.SignAsync(container.GetBlobClient(BlobName(key)), expires, cancellationToken));

    public async IAsyncEnumerable<ArtifactInfo> ListAsync(string keyPrefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pages = container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix + keyPrefix }, cancellationToken).AsPages().GetAsyncEnumerator(cancellationToken);
        await using (pages)
        {
            while (await Guard(keyPrefix, () => pages.MoveNextAsync().AsTask()))
            {
                foreach (var item in pages.Current.Values)
                {
                    yield return new ArtifactInfo(item.Name[prefix.Length..], item.Properties.ContentLength ?? 0, item.Properties.LastModified ?? DateTimeOffset.UnixEpoch);
                }
            }
        }
    }

    public async Task CreateIfMissingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await container.CreateIfNotExistsAsync(PublicAccessType.None, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (AzureStoreFailures.IsStoreFailure(e))
        {
            throw failures.CreationFailed(e);
        }
    }

    private string BlobName(string key)
    {
        ArtifactKeys.Validate(key);
        return prefix + key;
    }

    /// <summary>The upload's id and the block's number: Azure wants ids of one length within a blob, in base64.</summary>
    private static string BlockId(Guid upload, int number)
    {
        Span<byte> id = stackalloc byte[20];
        upload.TryWriteBytes(id);
        BinaryPrimitives.WriteInt32BigEndian(id[16..], number);
        return Convert.ToBase64String(id);
    }

    private async Task<T> Guard<T>(string key, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (AzureStoreFailures.IsStoreFailure(e))
        {
            throw failures.Unavailable(prefix + key, e);
        }
    }
}
