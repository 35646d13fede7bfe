using Npgsql;
using NpgsqlTypes;
using OrleansRegistry.Organizations;
using OrleansRegistry.Users;

namespace OrleansRegistry.Catalog;

/// <summary>The read model's organizations and members, written by the organization grains, and the listing queries.</summary>
public sealed class OrganizationReadModel(NpgsqlDataSource dataSource)
{
    /// <summary>Replaces the organization's row and member rows with these (null: the organization is gone).</summary>
    public async Task SyncOrganizationAsync(string name, OrganizationView? organization, MemberView[] members, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(Command("DELETE FROM registry_organization_members WHERE organization = $1", name));
        if (organization is null)
        {
            batch.BatchCommands.Add(Command("DELETE FROM registry_organizations WHERE name = $1", name));
        }
        else
        {
            var upsert = Command("""
                INSERT INTO registry_organizations (name, display_name, namespaces, created_at, created_by, member_count, contact_email)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                ON CONFLICT (name) DO UPDATE SET display_name = EXCLUDED.display_name, namespaces = EXCLUDED.namespaces, member_count = EXCLUDED.member_count,
                    contact_email = EXCLUDED.contact_email
                """, name, organization.DisplayName);
            upsert.Parameters.Add(new() { Value = organization.Namespaces, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            upsert.Parameters.Add(new() { Value = organization.CreatedAt });
            upsert.Parameters.Add(new() { Value = organization.CreatedBy });
            upsert.Parameters.Add(new() { Value = organization.MemberCount });
            upsert.Parameters.Add(new() { Value = (object?)organization.ContactEmail ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            batch.BatchCommands.Add(upsert);
            foreach (var member in members)
            {
                var row = Command("""
                    INSERT INTO registry_organization_members (organization, kind, member_id, role, added_at, key_count) VALUES ($1, $2, $3, $4, $5, $6)
                    """, name, MemberKinds.Name(member.Kind), member.Id, member.Role);
                row.Parameters.Add(new() { Value = member.AddedAt });
                row.Parameters.Add(new() { Value = member.KeyIds.Length });
                batch.BatchCommands.Add(row);
            }
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Organizations by name, from <paramref name="offset"/>; <paramref name="only"/> limits them to one.</summary>
    public async Task<OrganizationPage> ListAsync(string? only, int offset, int limit, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT name, display_name, namespaces, created_at, created_by, member_count, contact_email FROM registry_organizations
            WHERE $1::text IS NULL OR name = $1
            ORDER BY name OFFSET $2 LIMIT $3
            """);
        cmd.Parameters.Add(new() { Value = (object?)only ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = offset });
        cmd.Parameters.Add(new() { Value = limit + 1 });
        var result = new List<OrganizationView>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new OrganizationView(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<string[]>(2),
                reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(4), [], reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
        }

        return new OrganizationPage([.. result.Take(limit)], result.Count > limit);
    }

    public async Task<MembershipView[]> MembershipsAsync(MemberKind kind, string id, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand(
            "SELECT organization, role FROM registry_organization_members WHERE kind = $1 AND member_id = $2 ORDER BY organization");
        cmd.Parameters.Add(new() { Value = MemberKinds.Name(kind) });
        cmd.Parameters.Add(new() { Value = id });
        var result = new List<MembershipView>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new MembershipView(reader.GetString(0), reader.GetString(1)));
        }

        return [.. result];
    }

    /// <summary>Users by creation, from <paramref name="offset"/>; <paramref name="email"/> (case-insensitive, exact) narrows to one address.</summary>
    public async Task<UserPage> ListUsersAsync(string? email, int offset, int limit, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT id, issuer, subject, email, name, created_at, last_sign_in_at FROM registry_users
            WHERE $1::text IS NULL OR lower(email) = lower($1)
            ORDER BY created_at, id OFFSET $2 LIMIT $3
            """);
        cmd.Parameters.Add(new() { Value = (object?)email ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = offset });
        cmd.Parameters.Add(new() { Value = limit + 1 });
        var result = new List<UserView>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new UserView(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return new UserPage([.. result.Take(limit)], result.Count > limit);
    }

    public async Task UpsertUserAsync(UserView user, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            INSERT INTO registry_users (id, issuer, subject, email, name, created_at, last_sign_in_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email, name = EXCLUDED.name, last_sign_in_at = EXCLUDED.last_sign_in_at
            """);
        cmd.Parameters.Add(new() { Value = user.Id });
        cmd.Parameters.Add(new() { Value = user.Issuer });
        cmd.Parameters.Add(new() { Value = user.Subject });
        cmd.Parameters.Add(new() { Value = (object?)user.Email ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = (object?)user.Name ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = user.CreatedAt });
        cmd.Parameters.Add(new() { Value = (object?)user.LastSignInAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlBatchCommand Command(string sql, params string[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new() { Value = value });
        }

        return command;
    }
}
