using System.Security.Cryptography;

namespace OrleansRegistry.Storage.Gcs;

/// <summary>
/// The upload's content as the Cloud Storage client reads it: hashed (SHA-256 and SHA-1) on the way through, and
/// failing with <see cref="ArtifactTooLargeException"/> as soon as more than the limit was read, so an oversized upload
/// stops before its last chunk and its resumable session is never finalized into an object.
/// </summary>
internal sealed class HashingLimitedStream(Stream content, long maxBytes) : Stream
{
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash _sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);

    public long Size { get; private set; }

    public string Sha256 => Convert.ToHexStringLower(_sha256.GetCurrentHash());

    public string Sha1 => Convert.ToHexStringLower(_sha1.GetCurrentHash());

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => Size; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Counted(buffer.AsSpan(offset, content.Read(buffer, offset, count)));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await content.ReadAsync(buffer, cancellationToken);
        return Counted(buffer.Span[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sha256.Dispose();
            _sha1.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Counted(ReadOnlySpan<byte> read)
    {
        Size += read.Length;
        if (Size > maxBytes)
        {
            throw new ArtifactTooLargeException(maxBytes);
        }

        _sha256.AppendData(read);
        _sha1.AppendData(read);
        return read.Length;
    }
}
