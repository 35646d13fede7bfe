using System.Net.Sockets;
using Npgsql;
using Orleans.Storage;
using OrleansRegistry.Storage;

namespace OrleansRegistry.Changes;

/// <summary>Which failures are a dependency's (the request may be retried as it is) rather than a fault of the registry.</summary>
public static class DependencyFailures
{
    /// <summary>The failure <paramref name="exception"/> stands for, as frontends read it; null when it is not a dependency's.</summary>
    public static DependencyUnavailableException? Translate(Exception exception)
    {
        var nothingStored = NothingStored(exception);
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case DependencyUnavailableException known:
                    return known;
                case InconsistentStateException:
                    return new(DependencyUnavailableException.Database, "another change to the same item was stored at the same moment; retry", nothingStored);
                case ArtifactStoreUnavailableException:
                    return new(DependencyUnavailableException.ArtifactStore, "the artifact store is unavailable; retry shortly", nothingStored);
                case PostgresException refused when !IsOutage(refused.SqlState):
                    return null;
                case NpgsqlException:
                    return nothingStored
                        ? new(DependencyUnavailableException.Database, "the database is unavailable; retry shortly", nothingStored)
                        : new(DependencyUnavailableException.Database, "the database connection broke mid-request; retry (a retried publish answers 200 if it had been stored)", nothingStored);
            }
        }

        return null;
    }

    /// <summary>
    /// Whether storage surely took nothing of the request: the database was never reached (connection refused, host
    /// unknown, not accepting connections), the version check refused the write, or the artifact store failed. A
    /// connection lost mid-statement is not sure: the statement may have committed.
    /// </summary>
    public static bool NothingStored(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case DependencyUnavailableException known:
                    return known.NothingStored;
                case InconsistentStateException or ArtifactStoreUnavailableException:
                    return true;
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.TryAgain }:
                    return true;
                case PostgresException { SqlState: "57P03" or "53300" or "28P01" or "3D000" }:
                    return true;
            }
        }

        return false;
    }

    /// <summary>Whether the database refused a statement (an error of the registry's, not an outage).</summary>
    public static bool IsDatabaseRefusal(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException refused)
            {
                return !IsOutage(refused.SqlState);
            }
        }

        return false;
    }

    /// <summary>
    /// SQLSTATE classes of a server that is going away, overloaded, failing over or asking for a retry (08 connection,
    /// 53 resources, 57 operator intervention, 58 system, 40 serialization, 25006 read-only standby); the rest are
    /// statements the database refused, which are the registry's faults.
    /// </summary>
    private static bool IsOutage(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) || sqlState.StartsWith("53", StringComparison.Ordinal)
        || sqlState.StartsWith("57", StringComparison.Ordinal) || sqlState.StartsWith("58", StringComparison.Ordinal)
        || sqlState.StartsWith("40", StringComparison.Ordinal) || sqlState == "25006";
}
