using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansRegistry.WebFrontend.Health;

namespace OrleansRegistry.UnitTests;

/// <summary>The system page's health report: one run serves every view for a while, and "Check again" runs anew.</summary>
public sealed class RecentHealthTests
{
    [Fact]
    public async Task Views_share_a_run_until_it_is_older_than_the_maximum_age_or_a_fresh_one_is_asked_for()
    {
        var clock = new SteppedClock();
        var health = new CountingHealthChecks();
        var recent = new RecentHealth(health, clock);

        var first = await recent.GetAsync();
        Assert.Same(first, await recent.GetAsync());
        clock.Now += RecentHealth.MaxAge;
        Assert.Same(first, await recent.GetAsync());
        Assert.Equal(1, health.Runs);

        clock.Now += TimeSpan.FromSeconds(1);
        var second = await recent.GetAsync();
        Assert.Equal(2, health.Runs);
        Assert.Equal(clock.Now, second.At);

        Assert.NotSame(second, await recent.GetAsync(fresh: true));
        Assert.Equal(3, health.Runs);
    }

    [Fact]
    public async Task Views_during_a_run_wait_for_it_instead_of_starting_another()
    {
        var health = new CountingHealthChecks { Gate = new TaskCompletionSource() };
        var recent = new RecentHealth(health, new SteppedClock());

        var waiting = new[] { recent.GetAsync(), recent.GetAsync(), recent.GetAsync(fresh: true) };
        Assert.All(waiting, view => Assert.False(view.IsCompleted));
        health.Gate.SetResult();
        var views = await Task.WhenAll(waiting);
        Assert.All(views, view => Assert.Same(views[0], view));
        Assert.Equal(1, health.Runs);
    }

    private sealed class SteppedClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private sealed class CountingHealthChecks : HealthCheckService
    {
        public int Runs { get; private set; }

        public TaskCompletionSource? Gate { get; init; }

        public override async Task<HealthReport> CheckHealthAsync(Func<HealthCheckRegistration, bool>? predicate, CancellationToken cancellationToken = default)
        {
            Runs++;
            if (Gate is not null)
            {
                await Gate.Task;
            }

            return new HealthReport(new Dictionary<string, HealthReportEntry>(), TimeSpan.Zero);
        }
    }
}
