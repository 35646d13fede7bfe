using OrleansRegistry.Caching;

namespace OrleansRegistry.UnitTests;

/// <summary>Last-Modified moves forward with every change, even two changes within one second.</summary>
public class ChangeTimesTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_first_change_is_its_own_second()
    {
        Assert.Equal(At, ChangeTimes.Next(default, At.AddMilliseconds(640)));
    }

    [Fact]
    public void A_change_in_a_later_second_takes_that_second()
    {
        Assert.Equal(At.AddSeconds(5), ChangeTimes.Next(At, At.AddSeconds(5).AddMilliseconds(10)));
    }

    [Fact]
    public void Changes_within_one_second_each_get_a_later_second()
    {
        var first = ChangeTimes.Next(default, At.AddMilliseconds(100));
        var second = ChangeTimes.Next(first, At.AddMilliseconds(200));
        var third = ChangeTimes.Next(second, At.AddMilliseconds(300));
        Assert.Equal([At, At.AddSeconds(1), At.AddSeconds(2)], [first, second, third]);

        // The clock catches up: the next change in a later second takes that second again.
        Assert.Equal(At.AddSeconds(10), ChangeTimes.Next(third, At.AddSeconds(10)));
    }

    [Fact]
    public void State_written_before_change_times_were_kept_goes_on_from_what_the_document_showed()
    {
        Assert.Equal(At.AddSeconds(9), ChangeTimes.KeptOr(default, [At, At.AddSeconds(9), At.AddSeconds(3)]));
        Assert.Equal(At, ChangeTimes.KeptOr(At, [At.AddSeconds(9)]));
        Assert.Equal(default, ChangeTimes.KeptOr(default, []));
    }

    [Fact]
    public void A_clock_behind_the_last_change_still_moves_forward()
    {
        // A grain reactivated on a silo whose clock is a few seconds behind the previous one's.
        Assert.Equal(At.AddSeconds(1), ChangeTimes.Next(At.AddMilliseconds(900), At.AddSeconds(-3)));
    }
}
