namespace OrleansRegistry.Storage.Gcs;

/// <summary>
/// The upload's content as the Cloud Storage client reads it: hashed (SHA-256 and SHA-1) on the way through, and
/// failing with <see cref="ArtifactTooLargeException"/> as soon as more than the limit was read, so an oversized upload
/// stops before its last chunk and its resumable session is never finalized into an object.
/// </summary>
internal sealed class HashingLimitedStream(Stream content, long maxBytes) : Stream
{
    private readonly ArtifactHasher _hasher = new(maxBytes);

    /// <summary>What was read, as stored under <paramref name="key"/>.</summary>
    public StoredArtifact Stored(string key) => _hasher.Stored(key);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _hasher.Size; set => throw new NotSupportedException(); }

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
            _hasher.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Counted(ReadOnlySpan<byte> read)
    {
        _hasher.Append(read);
        return read.Length;
    }
}
