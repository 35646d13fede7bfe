using Npgsql;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using OrleansRegistry.Storage;

namespace OrleansRegistry.WebFrontend.Errors;

/// <summary>
/// Failures that say a dependency is down, not that the request is wrong: a silo that died or was not reached, a
/// call that timed out, a database or artifact store that does not answer. They answer 503 with Retry-After, and a
/// frontend may serve what it kept instead (<see cref="Caching.StaleIfError"/>).
/// </summary>
public static class ClusterFailures
{
    public static bool IsCluster(Exception e) =>
        e is OrleansMessageRejectionException or SiloUnavailableException or TimeoutException or GatewayTooBusyException or ConnectionFailedException;

    /// <summary>Whether <paramref name="e"/>, or an exception it wraps, is a dependency being down.</summary>
    public static bool IsUnavailable(Exception e)
    {
        for (Exception? cause = e; cause is not null; cause = cause.InnerException)
        {
            if (IsCluster(cause) || cause is NpgsqlException or DependencyUnavailableException or ArtifactStoreUnavailableException)
            {
                return true;
            }
        }

        return false;
    }
}
