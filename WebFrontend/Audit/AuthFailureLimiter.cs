using OrleansRegistry.Catalog;

namespace OrleansRegistry.WebFrontend.Audit;

/// <summary>
/// At most <c>perMinute</c> authentication failures recorded per minute of the clock (fixed windows); the ones beyond
/// are only counted, and each minute that had some yields one summary once it has ended. A flood of bad keys thus
/// writes a bounded number of rows whatever its size. Thread-safe: concurrent requests call it.
/// </summary>
public sealed class AuthFailureLimiter(int perMinute)
{
    private readonly Lock _lock = new();
    private readonly List<(long Minute, long Count)> _ended = [];
    private long _minute = long.MinValue;
    private int _recorded;
    private long _suppressed;

    public int PerMinute => perMinute;

    /// <summary>True when a failure at <paramref name="now"/> is to be recorded; false when it is only counted.</summary>
    public bool TryRecord(DateTimeOffset now)
    {
        lock (_lock)
        {
            Roll(now);
            if (_recorded < perMinute)
            {
                _recorded++;
                return true;
            }

            _suppressed++;
            return false;
        }
    }

    /// <summary>
    /// The counts of minutes that ended by <paramref name="now"/>, once each; with <paramref name="includeCurrent"/>
    /// (stopping, flushing) the current minute's count so far too, which then starts again from 0.
    /// </summary>
    public AuthFailureSummary[] TakeSummaries(DateTimeOffset now, bool includeCurrent = false)
    {
        lock (_lock)
        {
            Roll(now);
            if (includeCurrent && _suppressed > 0)
            {
                _ended.Add((_minute, _suppressed));
                _suppressed = 0;
            }

            if (_ended.Count == 0)
            {
                return [];
            }

            var summaries = _ended.Select(e => new AuthFailureSummary(new DateTimeOffset(e.Minute * TimeSpan.TicksPerMinute, TimeSpan.Zero), e.Count, now)).ToArray();
            _ended.Clear();
            return summaries;
        }
    }

    private void Roll(DateTimeOffset now)
    {
        // A clock stepping back stays in the current minute rather than opening a window already used.
        var minute = now.UtcTicks / TimeSpan.TicksPerMinute;
        if (minute <= _minute)
        {
            return;
        }

        if (_suppressed > 0)
        {
            _ended.Add((_minute, _suppressed));
        }

        _minute = minute;
        _recorded = 0;
        _suppressed = 0;
    }
}
