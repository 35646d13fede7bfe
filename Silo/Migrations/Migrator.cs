using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace OrleansRegistry.Silo.Migrations;

public sealed record Migration(int Version, string Name, string Sql)
{
    public string Checksum => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)))[..16];
}

public sealed record MigrationStatus(Migration Migration, DateTimeOffset? AppliedAt, string? AppliedChecksum)
{
    public bool Applied => AppliedAt is not null;
    public bool Modified => AppliedChecksum is not null && AppliedChecksum != Migration.Checksum;
}

/// <summary>
/// Applies the embedded <c>NNNN_name.sql</c> scripts in order, each in its own transaction together with its row
/// in <c>registry_schema_migrations</c>, so a migration is either wholly applied and recorded or not at all.
/// An advisory lock serializes concurrent migrators (e.g. two deploy jobs).
/// </summary>
public sealed class Migrator(NpgsqlDataSource dataSource, IReadOnlyList<Migration>? migrations = null)
{
    private const long LockId = 0x4f52_4547_5259; // "OREGRY"

    /// <summary>The migrations embedded in this build, in order.</summary>
    public static IReadOnlyList<Migration> All { get; } = Load();

    private IReadOnlyList<Migration> Migrations => migrations ?? All;

    public async Task<IReadOnlyList<MigrationStatus>> StatusAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var applied = await AppliedAsync(connection, null, cancellationToken);
        return [.. Migrations.Select(m => applied.TryGetValue(m.Version, out var a) ? new MigrationStatus(m, a.At, a.Checksum) : new MigrationStatus(m, null, null))];
    }

    /// <summary>Applies what is pending; returns the migrations applied by this call.</summary>
    public async Task<IReadOnlyList<Migration>> ApplyAsync(TextWriter log, CancellationToken cancellationToken = default)
    {
        var done = new List<Migration>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await EnsureTableAsync(connection, cancellationToken);
        foreach (var migration in Migrations)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({LockId})", connection, transaction))
            {
                await lockCommand.ExecuteNonQueryAsync(cancellationToken);
            }

            if ((await AppliedAsync(connection, transaction, cancellationToken)).ContainsKey(migration.Version))
            {
                continue;
            }

            try
            {
                await using (var apply = new NpgsqlCommand(migration.Sql, connection, transaction))
                {
                    await apply.ExecuteNonQueryAsync(cancellationToken);
                }

                await using var record = new NpgsqlCommand(
                    "INSERT INTO registry_schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", connection, transaction);
                record.Parameters.Add(new() { Value = migration.Version });
                record.Parameters.Add(new() { Value = migration.Name });
                record.Parameters.Add(new() { Value = migration.Checksum });
                await record.ExecuteNonQueryAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            catch (PostgresException e)
            {
                throw new MigrationFailedException(migration, e);
            }

            await log.WriteLineAsync($"applied {migration.Version:D4}_{migration.Name}");
            done.Add(migration);
        }

        return done;
    }

    private static async Task EnsureTableAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var create = new NpgsqlCommand("""
            CREATE TABLE IF NOT EXISTS registry_schema_migrations (
                version     integer     PRIMARY KEY,
                name        text        NOT NULL,
                checksum    text        NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT now()
            )
            """, connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<Dictionary<int, (DateTimeOffset At, string Checksum)>> AppliedAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var result = new Dictionary<int, (DateTimeOffset, string)>();
        await using var exists = new NpgsqlCommand("SELECT to_regclass('registry_schema_migrations') IS NOT NULL", connection, transaction);
        if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
        {
            return result;
        }

        await using var query = new NpgsqlCommand("SELECT version, applied_at, checksum FROM registry_schema_migrations", connection, transaction);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result[reader.GetInt32(0)] = (reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2));
        }

        return result;
    }

    private static List<Migration> Load()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("Migrations.", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            var file = resource["Migrations.".Length..^".sql".Length];
            var underscore = file.IndexOf('_', StringComparison.Ordinal);
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            migrations.Add(new Migration(int.Parse(file[..underscore], System.Globalization.CultureInfo.InvariantCulture), file[(underscore + 1)..], reader.ReadToEnd()));
        }

        return [.. migrations.OrderBy(m => m.Version)];
    }
}

public sealed class MigrationFailedException(Migration migration, PostgresException inner)
    : Exception($"migration {migration.Version:D4}_{migration.Name} failed and was rolled back: {inner.MessageText}"
        + (inner.Position > 0 ? $" (at character {inner.Position})" : ""), inner)
{
    public Migration Migration { get; } = migration;
}
