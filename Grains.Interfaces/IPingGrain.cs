namespace OrleansRegistry;

/// <summary>A cheap round trip into the cluster, for readiness checks.</summary>
[Alias("ping")]
public interface IPingGrain : IGrainWithIntegerKey
{
    [Alias("ping")]
    Task Ping();
}
