using OrleansRegistry.Storage;

namespace OrleansRegistry.UnitTests;

/// <summary>
/// A store that drops packets surfaces in its SDK as a timeout, a cancelled call nobody cancelled: that is the store
/// failing (503 and cleanup), not the client going away. The store here is a stand-in that times out on every call,
/// since a black-holed network is not something the tests can make.
/// </summary>
public class MeasuredArtifactStoreTests
{
    [Fact]
    public async Task A_timeout_nobody_asked_for_is_the_store_failing()
    {
        var store = new MeasuredArtifactStore(new TimingOutStore(), "test");
        var failure = await Assert.ThrowsAsync<ArtifactStoreUnavailableException>(() => store.GetInfoAsync("modules/a.tar.gz", CancellationToken.None));
        Assert.Contains("did not answer in time on 'modules/a.tar.gz'", failure.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArtifactStoreUnavailableException>(() => store.WriteAsync("modules/a.tar.gz", new MemoryStream([1]), 10, CancellationToken.None));
        await Assert.ThrowsAsync<ArtifactStoreUnavailableException>(() => store.OpenReadFromAsync("modules/a.tar.gz", 5, CancellationToken.None));
    }

    [Fact]
    public async Task A_cancellation_the_caller_asked_for_stays_a_cancellation()
    {
        var store = new MeasuredArtifactStore(new TimingOutStore(), "test");
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.OpenReadAsync("modules/a.tar.gz", cancelled.Token));
    }

    private sealed class TimingOutStore : IArtifactStore
    {
        // Azure's SDK throws an aggregate of its retries' timeouts; the others a TaskCanceledException.
        private static Task<T> TimeOut<T>() => Task.FromException<T>(new AggregateException(new TaskCanceledException("timed out"), new TaskCanceledException("timed out")));

        public Task<StoredArtifact> WriteAsync(string key, Stream content, long maxBytes, CancellationToken cancellationToken) => TimeOut<StoredArtifact>();

        public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken) => Task.FromException<Stream?>(new TaskCanceledException("timed out"));

        public Task<Stream?> OpenReadFromAsync(string key, long offset, CancellationToken cancellationToken) => TimeOut<Stream?>();

        public Task<ArtifactInfo?> GetInfoAsync(string key, CancellationToken cancellationToken) => Task.FromException<ArtifactInfo?>(new TaskCanceledException("timed out"));

        public string? TryGetLocalPath(string key) => null;

        public Task DeleteAsync(string key, CancellationToken cancellationToken) => TimeOut<bool>();

        public Task<Uri?> GetDownloadUrlAsync(string key, DateTimeOffset expires, CancellationToken cancellationToken) => TimeOut<Uri?>();

        public IAsyncEnumerable<ArtifactInfo> ListAsync(string keyPrefix, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task CreateIfMissingAsync(CancellationToken cancellationToken) => TimeOut<bool>();
    }
}
