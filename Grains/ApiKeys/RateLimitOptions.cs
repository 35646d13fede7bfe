namespace OrleansRegistry.ApiKeys;

/// <summary>Registry-wide rate limit defaults, bound from <c>Registry:RateLimit</c>.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Registry:RateLimit";

    /// <summary>Requests per hour for keys without their own limit; 0 = unlimited.</summary>
    public int DefaultPerHour { get; set; } = 1000;
}

/// <summary>
/// A fixed one-hour window per key, kept in the key's grain (one activation cluster-wide, so every frontend
/// shares it). In memory on purpose: a reset after a deactivation only ever gives a key a fresh window.
/// </summary>
public sealed class RateLimitWindow
{
    private static readonly TimeSpan Length = TimeSpan.FromHours(1);
    private DateTimeOffset _end;
    private int _used;

    /// <summary>Counts one request; null when the limit is already spent.</summary>
    public RateLimitStatus? TryTake(int limit, DateTimeOffset now)
    {
        if (now >= _end)
        {
            _end = now + Length;
            _used = 0;
        }

        if (_used >= limit)
        {
            return null;
        }

        _used++;
        return new RateLimitStatus(limit, limit - _used, _end);
    }

    public RateLimitStatus Exhausted(int limit) => new(limit, 0, _end);
}
