namespace OrleansRegistry.Mirroring.Upstream;

/// <summary>The upstream refused, failed or answered something unusable; the message says what and where.</summary>
public sealed class UpstreamException(string message, bool transient = false, Exception? inner = null, int? status = null) : Exception(message, inner)
{
    /// <summary>The upstream's HTTP status, when it answered.</summary>
    public int? Status { get; } = status;

    /// <summary>Worth retrying: a network error, a timeout, 429 or 5xx.</summary>
    public bool Transient { get; } = transient;
}
