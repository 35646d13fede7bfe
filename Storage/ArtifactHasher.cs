using System.Security.Cryptography;

namespace OrleansRegistry.Storage;

/// <summary>
/// What every store works out while an upload streams through it: the size against the upload's limit, and the
/// SHA-256 (Terraform, Composer's lock) and SHA-1 (Composer's dist shasum) of the bytes.
/// </summary>
public sealed class ArtifactHasher(long maxBytes) : IDisposable
{
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash _sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);

    public long Size { get; private set; }

    /// <summary>Counts and hashes bytes just read; <see cref="ArtifactTooLargeException"/> once they pass the limit.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        Size += bytes.Length;
        if (Size > maxBytes)
        {
            throw new ArtifactTooLargeException(maxBytes);
        }

        _sha256.AppendData(bytes);
        _sha1.AppendData(bytes);
    }

    /// <summary>What was stored under <paramref name="key"/>: everything appended.</summary>
    public StoredArtifact Stored(string key) =>
        new(key, Size, Convert.ToHexStringLower(_sha256.GetHashAndReset()), Convert.ToHexStringLower(_sha1.GetHashAndReset()));

    public void Dispose()
    {
        _sha256.Dispose();
        _sha1.Dispose();
    }
}
