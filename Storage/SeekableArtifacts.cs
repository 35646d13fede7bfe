namespace OrleansRegistry.Storage;

public static class SeekableArtifacts
{
    /// <summary>
    /// Opens the artifact for reading that seeks (a zip's directory is at its end): the store's own stream when it
    /// seeks (a local file), else a copy in a temporary file, deleted when the stream is disposed, so memory stays
    /// bounded whatever the size. Null when there is no such artifact.
    /// </summary>
    public static async Task<Stream?> OpenSeekableAsync(this IArtifactStore store, string key, CancellationToken cancellationToken)
    {
        var stream = await store.OpenReadAsync(key, cancellationToken);
        if (stream is null || stream.CanSeek)
        {
            return stream;
        }

        await using (stream)
        {
            var copy = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
            try
            {
                await stream.CopyToAsync(copy, cancellationToken);
                copy.Position = 0;
                return copy;
            }
            catch
            {
                await copy.DisposeAsync();
                throw;
            }
        }
    }
}
