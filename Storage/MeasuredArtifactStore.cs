using Prometheus;

namespace OrleansRegistry.Storage;

/// <summary>
/// Any store, measured: <c>storage_operation_duration_seconds{backend,operation}</c> and
/// <c>storage_errors_total{backend,operation}</c> (the store failing, not a missing artifact or a refused upload).
/// A write's duration includes receiving the upload it streams; a read's is the time to open it.
/// </summary>
public sealed class MeasuredArtifactStore(IArtifactStore inner, string backend) : IArtifactStore
{
    private static readonly Histogram Durations = Metrics.CreateHistogram(
        "storage_operation_duration_seconds", "Duration of artifact store operations.",
        new HistogramConfiguration { LabelNames = ["backend", "operation"], Buckets = Histogram.ExponentialBuckets(0.001, 4, 10) });

    private static readonly Counter Errors = Metrics.CreateCounter(
        "storage_errors_total", "Artifact store operations that failed because the store did.", "backend", "operation");

    // The labelled series, looked up once rather than on every call.
    private readonly Operation _write = new(backend, "write");
    private readonly Operation _read = new(backend, "read");
    private readonly Operation _info = new(backend, "info");
    private readonly Operation _delete = new(backend, "delete");
    private readonly Operation _sign = new(backend, "sign");

    public async Task<StoredArtifact> WriteAsync(string key, Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        using var timer = _write.Duration.NewTimer();
        return await _write.CountFailures(inner.WriteAsync(key, content, maxBytes, cancellationToken), key, cancellationToken);
    }

    public async Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        using var timer = _read.Duration.NewTimer();
        return await _read.CountFailures(inner.OpenReadAsync(key, cancellationToken), key, cancellationToken);
    }

    public async Task<Stream?> OpenReadFromAsync(string key, long offset, CancellationToken cancellationToken)
    {
        using var timer = _read.Duration.NewTimer();
        return await _read.CountFailures(inner.OpenReadFromAsync(key, offset, cancellationToken), key, cancellationToken);
    }

    public async Task<ArtifactInfo?> GetInfoAsync(string key, CancellationToken cancellationToken)
    {
        using var timer = _info.Duration.NewTimer();
        return await _info.CountFailures(inner.GetInfoAsync(key, cancellationToken), key, cancellationToken);
    }

    public string? TryGetLocalPath(string key) => inner.TryGetLocalPath(key);

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        using var timer = _delete.Duration.NewTimer();
        await _delete.CountFailures(DeleteReturningAsync(key, cancellationToken), key, cancellationToken);
    }

    public async Task<Uri?> GetDownloadUrlAsync(string key, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        using var timer = _sign.Duration.NewTimer();
        return await _sign.CountFailures(inner.GetDownloadUrlAsync(key, expires, cancellationToken), key, cancellationToken);
    }

    public IAsyncEnumerable<ArtifactInfo> ListAsync(string keyPrefix, CancellationToken cancellationToken) => inner.ListAsync(keyPrefix, cancellationToken);

    public Task CreateIfMissingAsync(CancellationToken cancellationToken) => inner.CreateIfMissingAsync(cancellationToken);

    private async Task<bool> DeleteReturningAsync(string key, CancellationToken cancellationToken)
    {
        await inner.DeleteAsync(key, cancellationToken);
        return true;
    }

    /// <summary>
    /// A store that drops packets rather than refusing them surfaces as a cancelled call (the SDK's timeout, or an
    /// aggregate of them after its retries) although nobody cancelled: that is the store failing too.
    /// </summary>
    private static bool IsTimeout(Exception e) =>
        e is OperationCanceledException or TimeoutException || e is AggregateException { InnerExceptions.Count: > 0 } all && all.InnerExceptions.All(IsTimeout);

    private sealed class Operation(string backend, string name)
    {
        public Histogram.Child Duration { get; } = Durations.WithLabels(backend, name);

        private readonly Counter.Child _errors = Errors.WithLabels(backend, name);

        public async Task<T> CountFailures<T>(Task<T> call, string key, CancellationToken cancellationToken)
        {
            try
            {
                return await call;
            }
            catch (ArtifactStoreUnavailableException)
            {
                _errors.Inc();
                throw;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && IsTimeout(e))
            {
                _errors.Inc();
                throw new ArtifactStoreUnavailableException($"the {backend} store did not answer in time on '{key}'", e);
            }
        }
    }
}
