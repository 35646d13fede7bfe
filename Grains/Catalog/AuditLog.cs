using Npgsql;
using NpgsqlTypes;
using OrleansRegistry.Changes;

namespace OrleansRegistry.Catalog;

/// <summary>The audit log: entries stored once by their grain's event id, listed newest first.</summary>
public sealed class AuditLog(NpgsqlDataSource dataSource)
{
    /// <summary>Stores an audit entry once: storing it again (a retried follow-up) adds nothing.</summary>
    public async Task AddAsync(AuditRecord entry, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            INSERT INTO registry_audit (event_id, at, actor_key_id, actor_name, action, target, details) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
            ON CONFLICT (event_id) DO NOTHING
            """);
        cmd.Parameters.Add(new() { Value = entry.Id });
        cmd.Parameters.Add(new() { Value = entry.At });
        cmd.Parameters.Add(new() { Value = entry.ActorKeyId });
        cmd.Parameters.Add(new() { Value = entry.ActorName });
        cmd.Parameters.Add(new() { Value = entry.Action });
        cmd.Parameters.Add(new() { Value = entry.Target });
        cmd.Parameters.Add(new() { Value = (object?)entry.Details ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<AuditEntry[]> ListAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        // A target is "ns", "ns/name/system@version" or a key id; namespace-limited readers see their namespaces' entries.
        await using var cmd = dataSource.CreateCommand("""
            SELECT id, at, actor_key_id, actor_name, action, target
            FROM registry_audit
            WHERE ($1::text IS NULL OR target = $1 OR target LIKE $1 || '@%')
              AND ($2::bigint IS NULL OR id < $2)
              AND ($3::text[] IS NULL OR split_part(target, '/', 1) = ANY($3) AND action NOT LIKE 'apikey.%')
            ORDER BY id DESC
            LIMIT $4
            """);
        cmd.Parameters.Add(new() { Value = (object?)query.Target ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = (object?)query.BeforeId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new() { Value = (object?)query.AllowedNamespaces ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = query.Limit });
        var result = new List<AuditEntry>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new AuditEntry(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5)));
        }

        return [.. result];
    }
}
