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

    public Task<StoredArtifact> WriteAsync(string key, Stream content, long maxBytes, CancellationToken cancellationToken) =>
        MeasureAsync("write", () => inner.WriteAsync(key, content, maxBytes, cancellationToken));

    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken) =>
        MeasureAsync("read", () => inner.OpenReadAsync(key, cancellationToken));

    public Task<ArtifactInfo?> GetInfoAsync(string key, CancellationToken cancellationToken) =>
        MeasureAsync("info", () => inner.GetInfoAsync(key, cancellationToken));

    public string? TryGetLocalPath(string key) => inner.TryGetLocalPath(key);

    public Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        MeasureAsync("delete", async () =>
        {
            await inner.DeleteAsync(key, cancellationToken);
            return true;
        });

    private async Task<T> MeasureAsync<T>(string operation, Func<Task<T>> call)
    {
        using var timer = Durations.WithLabels(backend, operation).NewTimer();
        try
        {
            return await call();
        }
        catch (ArtifactStoreUnavailableException)
        {
            Errors.WithLabels(backend, operation).Inc();
            throw;
        }
    }
}
