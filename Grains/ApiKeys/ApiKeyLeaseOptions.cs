namespace OrleansRegistry.ApiKeys;

/// <summary>How frontends may reuse an authentication, bound from <c>Registry:ApiKeyLease</c>.</summary>
public sealed class ApiKeyLeaseOptions
{
    public const string Section = "Registry:ApiKeyLease";

    /// <summary>
    /// How long a frontend serves a key's requests from one lease. Revocation and changes reach every frontend at
    /// once through the lease holders; this bounds staleness only when that notice is lost (a silo crash).
    /// </summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The largest share of a key's hourly limit one lease may count, so frontends cannot starve each other.</summary>
    public double MaxShareOfLimit { get; set; } = 0.01;
}
