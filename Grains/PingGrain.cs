using Orleans.Concurrency;

namespace OrleansRegistry;

[StatelessWorker, GrainType("ping")]
public sealed class PingGrain : Grain, IPingGrain
{
    public Task Ping() => Task.CompletedTask;
}
