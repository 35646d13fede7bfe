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

    /// <summary>Counts up to <paramref name="wanted"/> requests (at least one); 0 granted when the limit is spent.</summary>
    public (int Granted, RateLimitStatus Status) Take(int limit, int wanted, DateTimeOffset now)
    {
        if (now >= _end)
        {
            _end = now + Length;
            _used = 0;
        }

        var granted = Math.Clamp(wanted, 1, Math.Max(1, limit - _used));
        if (_used >= limit)
        {
            granted = 0;
        }

        _used += granted;
        return (granted, new RateLimitStatus(limit, limit - _used, _end));
    }

    /// <summary>Gives back requests a frontend counted but did not serve, if they belong to the current window.</summary>
    public void GiveBack(int unused, DateTimeOffset windowEnd)
    {
        if (unused > 0 && windowEnd == _end)
        {
            _used = Math.Max(0, _used - unused);
        }
    }
}
