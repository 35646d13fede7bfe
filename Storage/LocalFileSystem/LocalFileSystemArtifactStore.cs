using System.Buffers;
using System.Runtime.CompilerServices;

namespace OrleansRegistry.Storage.LocalFileSystem;

/// <summary>Artifacts as files under one root directory. Writes go to a temp file and are renamed into place.</summary>
public sealed class LocalFileSystemArtifactStore(string root) : IArtifactStore
{
    // Under the 85,000-byte large-object threshold: large-object-heap buffers are not compacted, so each one freed
    // (a FileStream's own, or a pooled one trimmed by a full GC) leaves a hole the process keeps committed.
    private const int BufferSize = 64 * 1024;
    private readonly string _root = Path.GetFullPath(root);

    public async Task<StoredArtifact> WriteAsync(string key, Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        var temp = $"{path}.{Guid.NewGuid():N}.partial";
        using var hasher = new ArtifactHasher(maxBytes);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await using (var file = Guard(key, () =>
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                return new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            }))
            {
                // Errors reading the content are its sender's (a broken upload); errors writing the file are the store's.
                int read;
                while ((read = await content.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
                {
                    hasher.Append(buffer.AsSpan(0, read));
                    await GuardAsync(key, file.WriteAsync(buffer.AsMemory(0, read), cancellationToken));
                }

                await GuardAsync(key, new ValueTask(file.FlushAsync(cancellationToken)));
                Guard(key, () => file.Flush(flushToDisk: true));
            }

            Guard(key, () => File.Move(temp, path, overwrite: true));
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return hasher.Stored(key);
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        Stream? stream = File.Exists(path)
            ? Guard(key, () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan))
            : null;
        return Task.FromResult(stream);
    }

    public async Task<Stream?> OpenReadFromAsync(string key, long offset, CancellationToken cancellationToken)
    {
        var stream = await OpenReadAsync(key, cancellationToken);
        stream?.Seek(offset, SeekOrigin.Begin);
        return stream;
    }

    public Task<ArtifactInfo?> GetInfoAsync(string key, CancellationToken cancellationToken)
    {
        var file = new FileInfo(PathOf(key));
        return Task.FromResult(file.Exists ? new ArtifactInfo(key, file.Length, file.LastWriteTimeUtc) : null);
    }

    public string? TryGetLocalPath(string key)
    {
        var path = PathOf(key);
        return File.Exists(path) ? path : null;
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        TryDelete(PathOf(key));
        return Task.CompletedTask;
    }

    /// <summary>Local files are served by the registry itself, through its own signed links.</summary>
    public Task<Uri?> GetDownloadUrlAsync(string key, DateTimeOffset expires, CancellationToken cancellationToken) => Task.FromResult<Uri?>(null);

    public async IAsyncEnumerable<ArtifactInfo> ListAsync(string keyPrefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_root))
        {
            yield break;
        }

        foreach (var file in new DirectoryInfo(_root).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = Path.GetRelativePath(_root, file.FullName).Replace(Path.DirectorySeparatorChar, '/');
            // Writes still under way (or cut short) are not artifacts.
            if (key.StartsWith(keyPrefix, StringComparison.Ordinal) && !key.EndsWith(".partial", StringComparison.Ordinal))
            {
                yield return new ArtifactInfo(key, file.Length, file.LastWriteTimeUtc);
            }
        }

        await Task.CompletedTask;
    }

    public Task CreateIfMissingAsync(CancellationToken cancellationToken)
    {
        Guard("", () => Directory.CreateDirectory(_root));
        return Task.CompletedTask;
    }

    private static T Guard<T>(string key, Func<T> operation)
    {
        try
        {
            return operation();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArtifactStoreUnavailableException($"the local artifact store cannot write or read {key}: {e.Message}", e);
        }
    }

    private static void Guard(string key, Action operation) => Guard(key, () =>
    {
        operation();
        return true;
    });

    private static async ValueTask GuardAsync(string key, ValueTask operation)
    {
        try
        {
            await operation;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArtifactStoreUnavailableException($"the local artifact store cannot write {key}: {e.Message}", e);
        }
    }

    private string PathOf(string key)
    {
        ArtifactKeys.Validate(key);
        return Path.Combine(_root, key.Replace('/', Path.DirectorySeparatorChar));
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: an orphan is harmless and the sweeper of a later issue removes it.
        }
    }
}
