using Polly;
using Polly.Retry;

namespace OrleansRegistry.WebFrontend.Errors;

/// <summary>
/// A write whose grain lived on a silo that just died fails at once (the message is rejected, the silo unavailable)
/// until membership declares the silo dead — a few seconds, at most about 9 — and the grain activates elsewhere.
/// Writes through here are tried again meanwhile, for up to about 14 s, instead of answering CI with a 503. That is
/// safe only for calls whose repeat is harmless: a publish of the same content answers "unchanged" (200) when the
/// first attempt was stored after all. Timeouts are not retried (the call may still be running), nor a database or
/// store outage (those last longer; the 503 with Retry-After says so).
/// </summary>
public static class SiloLossRetry
{
    private static readonly ResiliencePipeline Pipeline = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(IsSiloLoss),
            MaxRetryAttempts = 8,
            Delay = TimeSpan.FromMilliseconds(500),
            BackoffType = DelayBackoffType.Exponential,
            MaxDelay = TimeSpan.FromSeconds(2),
            UseJitter = true,
        })
        .Build();

    public static ValueTask<T> RunAsync<T>(Func<Task<T>> write, CancellationToken cancellationToken) =>
        Pipeline.ExecuteAsync(async _ => await write(), cancellationToken);

    private static bool IsSiloLoss(Exception e) => ClusterFailures.IsCluster(e) && e is not TimeoutException;
}
