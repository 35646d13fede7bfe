namespace OrleansRegistry.Storage;

/// <summary>What was stored: its size and content hashes, computed while streaming.</summary>
public sealed record StoredArtifact(string Key, long Size, string Sha256, string Sha1);

public sealed record ArtifactInfo(string Key, long Size, DateTimeOffset LastModified);

/// <summary>Raised when an upload exceeds its size limit; nothing is left behind.</summary>
public sealed class ArtifactTooLargeException(long limit)
    : Exception($"the upload exceeds the limit of {limit} bytes")
{
    public long Limit { get; } = limit;
}

/// <summary>An artifact the registry refers to is not in the store (deleted behind its back, or the store's settings changed).</summary>
public sealed class ArtifactNotFoundException(string key) : Exception($"artifact {key} is not in the artifact store");

/// <summary>The store itself failed (a full or read-only disk, a lost mount), as opposed to the stream being written to it.</summary>
public sealed class ArtifactStoreUnavailableException(string message, Exception innerException) : Exception(message, innerException);

/// <summary>
/// Artifact storage (archives, checksums, signatures). Grains hold only keys and hashes; bytes live here.
/// Keys are relative, '/'-separated paths without '..'.
/// </summary>
public interface IArtifactStore
{
    /// <summary>Streams <paramref name="content"/> to <paramref name="key"/> while hashing; the key appears only when complete.</summary>
    Task<StoredArtifact> WriteAsync(string key, Stream content, long maxBytes, CancellationToken cancellationToken);

    /// <summary>Opens the artifact for reading, or null if it does not exist.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Opens the artifact for reading from byte <paramref name="offset"/> to its end, or null if it does not exist.</summary>
    Task<Stream?> OpenReadFromAsync(string key, long offset, CancellationToken cancellationToken);

    Task<ArtifactInfo?> GetInfoAsync(string key, CancellationToken cancellationToken);

    /// <summary>A local file path when the store is on this machine's disk (lets the frontend use sendfile).</summary>
    string? TryGetLocalPath(string key);

    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// A URL from which a client downloads the artifact straight from the store until <paramref name="expires"/>
    /// (a pre-signed S3 GET, an Azure SAS, a GCS V4 signed URL); null when the store has none (local disk).
    /// </summary>
    Task<Uri?> GetDownloadUrlAsync(string key, DateTimeOffset expires, CancellationToken cancellationToken);

    /// <summary>Every artifact whose key starts with <paramref name="keyPrefix"/> ("" for all), in no particular order.</summary>
    IAsyncEnumerable<ArtifactInfo> ListAsync(string keyPrefix, CancellationToken cancellationToken);

    /// <summary>Creates the bucket or container when it does not exist (only asked for with <c>REGISTRY_STORAGE_CREATE_IF_MISSING=true</c>).</summary>
    Task CreateIfMissingAsync(CancellationToken cancellationToken);
}

/// <summary>The storage settings cannot work (a missing bucket name, keys without an account, an unknown kind); the message names the setting.</summary>
public sealed class StorageSettingsException(string message, Exception? innerException = null) : Exception(message, innerException);
