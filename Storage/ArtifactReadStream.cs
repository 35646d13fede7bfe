namespace OrleansRegistry.Storage;

/// <summary>
/// A seekable view of a stored artifact whose length is known: nothing is opened until the first read, and a read
/// opens the store from the current position, so a HEAD request opens nothing and a Range request reads only from
/// its first byte. This lets ASP.NET Core's own file answer (ranges, HEAD, If-Modified-Since) serve object stores.
/// </summary>
public sealed class ArtifactReadStream(IArtifactStore store, ArtifactInfo artifact) : Stream
{
    private Stream? _open;
    private long _openAt;
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => artifact.Size;

    public override long Position
    {
        get => _position;
        set => _position = value is >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= artifact.Size || buffer.Length == 0)
        {
            return 0;
        }

        if (_open is null || _openAt != _position)
        {
            if (_open is not null)
            {
                await _open.DisposeAsync();
            }

            _open = await store.OpenReadFromAsync(artifact.Key, _position, cancellationToken)
                ?? throw new ArtifactNotFoundException(artifact.Key);
            _openAt = _position;
        }

        var read = await _open.ReadAsync(buffer, cancellationToken);
        _position += read;
        _openAt += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Object stores are read asynchronously only: a blocking read would hold a thread for a network round trip.</summary>
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read the artifact asynchronously");

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => artifact.Size + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _open?.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_open is not null)
        {
            await _open.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}
