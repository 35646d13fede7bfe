using OrleansRegistry.ApiKeys;

namespace OrleansRegistry.UnitTests;

/// <summary>The hourly window behind leases: batches never exceed what is left, and only unused requests of the current window come back.</summary>
public class RateLimitWindowTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_batch_takes_what_is_left_and_then_nothing()
    {
        var window = new RateLimitWindow();
        Assert.Equal((4, 6), Taken(window.Take(10, 4, Start)));
        Assert.Equal((6, 0), Taken(window.Take(10, 50, Start.AddMinutes(1))));
        var (granted, status) = window.Take(10, 1, Start.AddMinutes(2));
        Assert.Equal(0, granted);
        Assert.Equal(Start.AddHours(1), status.Reset);
        Assert.Equal((1, 9), Taken(window.Take(10, 1, Start.AddHours(1))));
    }

    [Fact]
    public void Unused_requests_come_back_only_to_the_window_they_were_taken_from()
    {
        var window = new RateLimitWindow();
        var (_, first) = window.Take(10, 8, Start);
        window.GiveBack(5, first.Reset);
        Assert.Equal((7, 0), Taken(window.Take(10, 20, Start.AddMinutes(1))));

        var (_, next) = window.Take(10, 10, Start.AddHours(1));
        window.GiveBack(3, first.Reset); // from the previous hour: ignored
        Assert.Equal(0, window.Take(10, 1, Start.AddHours(1).AddMinutes(1)).Granted);
        window.GiveBack(2, next.Reset);
        Assert.Equal((2, 0), Taken(window.Take(10, 5, Start.AddHours(1).AddMinutes(2))));
    }

    private static (int Granted, int Remaining) Taken((int Granted, RateLimitStatus Status) taken) => (taken.Granted, taken.Status.Remaining);
}
