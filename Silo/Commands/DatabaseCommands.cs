using Npgsql;
using OrleansRegistry.Silo.Migrations;

namespace OrleansRegistry.Silo.Commands;

/// <summary><c>migrate</c>, <c>migrate status</c> and <c>check-db</c>.</summary>
public static class DatabaseCommands
{
    public static async Task<int> MigrateAsync(string connectionString)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        try
        {
            var applied = await new Migrator(dataSource).ApplyAsync(Console.Out);
            Console.WriteLine(applied.Count == 0
                ? $"schema is up to date (version {Migrator.All[^1].Version})"
                : $"applied {applied.Count} migration(s); schema version {Migrator.All[^1].Version}");
            return 0;
        }
        catch (MigrationFailedException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
        catch (NpgsqlException e)
        {
            Console.Error.WriteLine($"error: cannot reach the database: {e.Message}");
            return 1;
        }
    }

    public static async Task<int> StatusAsync(string connectionString)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        try
        {
            foreach (var status in await new Migrator(dataSource).StatusAsync())
            {
                var state = status.Modified ? "applied, but the script changed since (checksum mismatch)"
                    : status.Applied ? $"applied {status.AppliedAt:u}" : "pending";
                Console.WriteLine($"{status.Migration.Version:D4}_{status.Migration.Name,-24} {state}");
            }

            return 0;
        }
        catch (NpgsqlException e)
        {
            Console.Error.WriteLine($"error: cannot reach the database: {e.Message}");
            return 1;
        }
    }

    public static async Task<int> CheckAsync(string connectionString)
    {
        var problem = await ProblemAsync(connectionString);
        if (problem is null)
        {
            Console.WriteLine($"database OK: reachable, schema version {Migrator.All[^1].Version}, no pending migrations");
            return 0;
        }

        Console.Error.WriteLine($"error: {problem}");
        return 1;
    }

    /// <summary>Why the database cannot serve this build, or null when it can.</summary>
    public static async Task<string?> ProblemAsync(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        try
        {
            var statuses = await new Migrator(dataSource).StatusAsync();
            var pending = statuses.Where(s => !s.Applied).Select(s => $"{s.Migration.Version:D4}_{s.Migration.Name}").ToList();
            if (pending.Count > 0)
            {
                return $"database {builder.Database} at {builder.Host}:{builder.Port} has {pending.Count} pending migration(s) ({string.Join(", ", pending)}); run 'Silo migrate'";
            }

            var modified = statuses.FirstOrDefault(s => s.Modified);
            return modified is null ? null : $"migration {modified.Migration.Version:D4}_{modified.Migration.Name} was changed after it was applied";
        }
        catch (NpgsqlException e)
        {
            return $"cannot reach database {builder.Database} at {builder.Host}:{builder.Port}: {e.Message}";
        }
    }
}
