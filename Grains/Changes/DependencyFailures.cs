using Npgsql;
using Orleans.Storage;

namespace OrleansRegistry.Changes;

/// <summary>Which failures are a dependency's (the request may be retried as it is) rather than a fault of the registry.</summary>
public static class DependencyFailures
{
    /// <summary>The failure <paramref name="exception"/> stands for, as frontends read it; null when it is not a dependency's.</summary>
    public static DependencyUnavailableException? Translate(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case DependencyUnavailableException known:
                    return known;
                case InconsistentStateException:
                    return new(DependencyUnavailableException.Database, "another change to the same item was stored at the same moment; retry");
                case PostgresException refused when !IsOutage(refused.SqlState):
                    return null;
                case NpgsqlException:
                    return new(DependencyUnavailableException.Database, "the database is unavailable; retry shortly");
            }
        }

        return null;
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
