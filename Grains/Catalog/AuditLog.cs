using Npgsql;
using NpgsqlTypes;
using OrleansRegistry.Changes;

namespace OrleansRegistry.Catalog;

/// <summary>The audit log: entries stored once by their grain's event id, listed newest first.</summary>
public sealed class AuditLog(NpgsqlDataSource dataSource)
{
    private const string Insert = """
        INSERT INTO registry_audit (event_id, at, actor_key_id, actor_name, action, target, details) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
        ON CONFLICT (event_id) DO NOTHING
        """;

    /// <summary>Stores an audit entry once: storing it again (a retried follow-up) adds nothing.</summary>
    public async Task AddAsync(AuditRecord entry, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand(Insert);
        AddParameters(cmd.Parameters, entry);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Stores several entries in one round trip (a frontend's batch of authentication failures).</summary>
    public async Task AddManyAsync(IReadOnlyCollection<AuditRecord> entries, CancellationToken cancellationToken = default)
    {
        if (entries.Count == 0)
        {
            return;
        }

        await using var batch = dataSource.CreateBatch();
        foreach (var entry in entries)
        {
            var command = new NpgsqlBatchCommand(Insert);
            AddParameters(command.Parameters, entry);
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddParameters(NpgsqlParameterCollection parameters, AuditRecord entry)
    {
        parameters.Add(new() { Value = entry.Id });
        parameters.Add(new() { Value = entry.At });
        parameters.Add(new() { Value = entry.ActorKeyId });
        parameters.Add(new() { Value = entry.ActorName });
        parameters.Add(new() { Value = entry.Action });
        parameters.Add(new() { Value = entry.Target });
        parameters.Add(new() { Value = (object?)entry.Details ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
    }

    public async Task<AuditEntry[]> ListAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        // A target is "ns", "ns/name/system@version" or a key id; namespace-limited readers see their namespaces' entries,
        // never those whose target is a key id however it is spelled (API key changes, refused keys), a user, an
        // organization (a name that may equal a namespace's) or the log itself; a member's key also sees its own
        // organization's entries. A key limited to package patterns sees the entries of those Composer packages only.
        // Absent filters are NULL parameters: statements are planned with their values, so each present filter can use
        // its index (registry_audit_by_actor, _by_action; LIKE 'prefix%' through text_pattern_ops).
        await using var cmd = dataSource.CreateCommand("""
            SELECT id, at, actor_key_id, actor_name, action, target, details::text
            FROM registry_audit
            WHERE ($1::text IS NULL OR target = $1 OR target LIKE $1 || '@%')
              AND ($2::bigint IS NULL OR id < $2)
              AND ($3::text[] IS NULL
                   OR split_part(target, '/', 1) = ANY($3) AND action NOT LIKE 'apikey.%' AND action NOT LIKE 'auth.%'
                      AND action NOT LIKE 'audit.%' AND action NOT LIKE 'organization.%' AND action NOT LIKE 'user.%'
                   OR $10::text IS NOT NULL AND target = $10 AND action LIKE 'organization.%')
              AND ($11::text[] IS NULL OR action LIKE 'composer.%' AND split_part(target, '@', 1) LIKE ANY($11))
              AND ($5::text IS NULL OR actor_key_id = $5)
              AND ($6::text IS NULL OR action = $6)
              AND ($7::text IS NULL OR action LIKE $7)
              AND ($8::timestamptz IS NULL OR at >= $8)
              AND ($9::timestamptz IS NULL OR at < $9)
            ORDER BY id DESC
            LIMIT $4
            """);
        cmd.Parameters.Add(new() { Value = (object?)query.Target ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = (object?)query.BeforeId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new() { Value = (object?)query.AllowedNamespaces ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = query.Limit });
        cmd.Parameters.Add(new() { Value = (object?)query.Actor ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = query is { Action: { } exact, ActionIsPrefix: false } ? exact : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = query is { Action: { } prefix, ActionIsPrefix: true } ? EscapeLike(prefix) + "%" : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = (object?)query.Since ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new() { Value = (object?)query.Until ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new() { Value = (object?)query.Organization ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new()
        {
            Value = query.PackagePatterns is { } patterns ? patterns.Select(ApiKeys.PackageGrants.ToLike).ToArray() : DBNull.Value,
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text,
        });
        var result = new List<AuditEntry>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new AuditEntry(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6)));
        }

        return [.. result];
    }

    // The API admits no LIKE wildcards in an action; escaped anyway, as the query may come from any caller of the grain.
    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    /// <summary>
    /// Deletes entries older than <paramref name="before"/>, <paramref name="batchSize"/> per statement so no statement
    /// holds many row locks or a long transaction; returns how many were deleted.
    /// </summary>
    public async Task<long> DeleteOlderThanAsync(DateTimeOffset before, int batchSize, CancellationToken cancellationToken = default)
    {
        long total = 0;
        while (true)
        {
            // "= ANY(ARRAY(...))" rather than "IN (SELECT ...)": the planner then deletes by primary key, where IN
            // hash-joins against a scan of the whole table for every batch.
            await using var cmd = dataSource.CreateCommand("""
                DELETE FROM registry_audit WHERE id = ANY(ARRAY(SELECT id FROM registry_audit WHERE at < $1 LIMIT $2))
                """);
            cmd.Parameters.Add(new() { Value = before });
            cmd.Parameters.Add(new() { Value = batchSize });
            var deleted = await cmd.ExecuteNonQueryAsync(cancellationToken);
            total += deleted;
            if (deleted < batchSize)
            {
                return total;
            }
        }
    }
}
