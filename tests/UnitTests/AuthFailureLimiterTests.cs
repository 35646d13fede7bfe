using OrleansRegistry.WebFrontend.Audit;

namespace OrleansRegistry.UnitTests;

/// <summary>Per-minute limit on recorded authentication failures: the rest are counted into one summary per minute.</summary>
public class AuthFailureLimiterTests
{
    private static readonly DateTimeOffset Minute = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Records_up_to_the_limit_per_minute_and_counts_the_rest_into_one_summary_once_the_minute_ended()
    {
        var limiter = new AuthFailureLimiter(3);
        var recorded = Enumerable.Range(0, 10).Count(i => limiter.TryRecord(Minute.AddSeconds(i)));
        Assert.Equal(3, recorded);
        Assert.Empty(limiter.TakeSummaries(Minute.AddSeconds(59)));

        var next = Minute.AddMinutes(1);
        var summary = Assert.Single(limiter.TakeSummaries(next));
        Assert.Equal((Minute, 7L, next), (summary.WindowStart, summary.Count, summary.At));
        Assert.Empty(limiter.TakeSummaries(next.AddSeconds(1)));

        // A new minute records again.
        Assert.True(limiter.TryRecord(next.AddSeconds(2)));
    }

    [Fact]
    public void Each_minute_with_failures_past_the_limit_has_its_own_summary_and_quiet_minutes_none()
    {
        var limiter = new AuthFailureLimiter(1);
        foreach (var minute in new[] { 0, 1, 3 })
        {
            for (var i = 0; i < minute + 2; i++)
            {
                limiter.TryRecord(Minute.AddMinutes(minute).AddSeconds(i));
            }
        }

        var summaries = limiter.TakeSummaries(Minute.AddMinutes(10));
        Assert.Equal([(Minute, 1L), (Minute.AddMinutes(1), 2L), (Minute.AddMinutes(3), 4L)], summaries.Select(s => (s.WindowStart, s.Count)));
    }

    [Fact]
    public void A_flush_takes_the_current_minute_so_far_without_lifting_its_limit()
    {
        var limiter = new AuthFailureLimiter(2);
        for (var i = 0; i < 5; i++)
        {
            limiter.TryRecord(Minute.AddSeconds(i));
        }

        var flushed = Assert.Single(limiter.TakeSummaries(Minute.AddSeconds(10), includeCurrent: true));
        Assert.Equal(3, flushed.Count);
        Assert.False(limiter.TryRecord(Minute.AddSeconds(11)));
        Assert.Equal(1, Assert.Single(limiter.TakeSummaries(Minute.AddMinutes(1))).Count);
    }

    [Fact]
    public void A_limit_of_zero_records_nothing_and_counts_everything()
    {
        var limiter = new AuthFailureLimiter(0);
        Assert.False(limiter.TryRecord(Minute));
        Assert.False(limiter.TryRecord(Minute.AddSeconds(1)));
        Assert.Equal(2, Assert.Single(limiter.TakeSummaries(Minute.AddMinutes(1))).Count);
    }

    [Fact]
    public void A_clock_stepping_back_stays_in_the_current_minute()
    {
        var limiter = new AuthFailureLimiter(1);
        Assert.True(limiter.TryRecord(Minute.AddMinutes(1)));
        Assert.False(limiter.TryRecord(Minute.AddSeconds(30)));
        Assert.Empty(limiter.TakeSummaries(Minute.AddSeconds(31)));
    }

    [Fact]
    public async Task Concurrent_failures_never_record_more_than_the_limit()
    {
        var limiter = new AuthFailureLimiter(50);
        var recorded = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                if (limiter.TryRecord(Minute.AddSeconds(i % 60)))
                {
                    Interlocked.Increment(ref recorded);
                }
            }
        })));
        Assert.Equal(50, recorded);
        Assert.Equal(8000 - 50, Assert.Single(limiter.TakeSummaries(Minute.AddMinutes(1))).Count);
    }
}
