using Npgsql;
using NpgsqlTypes;
using OrleansRegistry.ApiKeys;
using OrleansRegistry.Changes;
using OrleansRegistry.Namespaces;

namespace OrleansRegistry.Catalog;

/// <summary>
/// The PostgreSQL read model, as grains write it: a row per module, provider, Composer package, namespace and key,
/// upserted after each acknowledged change (idempotently, by key). Grain state stays the source of truth.
/// </summary>
public sealed class ReadModel(NpgsqlDataSource dataSource)
{
    public async Task UpsertModuleAsync(ModuleSummary module, string[] versions, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            INSERT INTO registry_modules (namespace, name, system, latest_version, versions, description, published_at, downloads, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
            ON CONFLICT (namespace, name, system) DO UPDATE SET
              latest_version = EXCLUDED.latest_version, versions = EXCLUDED.versions, description = EXCLUDED.description,
              published_at = EXCLUDED.published_at, downloads = EXCLUDED.downloads, updated_at = now()
            """);
        cmd.Parameters.Add(new() { Value = module.Namespace });
        cmd.Parameters.Add(new() { Value = module.Name });
        cmd.Parameters.Add(new() { Value = module.System });
        cmd.Parameters.Add(new() { Value = module.LatestVersion });
        cmd.Parameters.Add(new() { Value = versions, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = (object?)module.Description ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = module.PublishedAt });
        cmd.Parameters.Add(new() { Value = module.Downloads });
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task DeleteModuleAsync(string ns, string name, string system, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("DELETE FROM registry_modules WHERE namespace = $1 AND name = $2 AND system = $3");
        cmd.Parameters.Add(new() { Value = ns });
        cmd.Parameters.Add(new() { Value = name });
        cmd.Parameters.Add(new() { Value = system });
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task UpsertNamespaceAsync(string name, DateTimeOffset createdAt, string createdBy, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            INSERT INTO registry_namespaces (name, created_at, created_by) VALUES ($1, $2, $3)
            ON CONFLICT (name) DO NOTHING
            """);
        cmd.Parameters.Add(new() { Value = name });
        cmd.Parameters.Add(new() { Value = createdAt });
        cmd.Parameters.Add(new() { Value = createdBy });
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task UpsertApiKeyAsync(ApiKeyView key, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            INSERT INTO registry_api_keys (id, name, scopes, namespaces, created_at, expires_at, revoked_at, created_by, rate_limit_per_hour,
                                           package_patterns, owner_organization, owner_kind, owner_id, last_used_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
            ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, scopes = EXCLUDED.scopes, namespaces = EXCLUDED.namespaces,
              expires_at = EXCLUDED.expires_at, revoked_at = EXCLUDED.revoked_at, rate_limit_per_hour = EXCLUDED.rate_limit_per_hour,
              package_patterns = EXCLUDED.package_patterns, last_used_at = EXCLUDED.last_used_at
            """);
        cmd.Parameters.Add(new() { Value = key.Id });
        cmd.Parameters.Add(new() { Value = key.Name });
        cmd.Parameters.Add(new() { Value = key.Scopes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = (object?)key.Namespaces ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = key.CreatedAt });
        cmd.Parameters.Add(new() { Value = (object?)key.ExpiresAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new() { Value = (object?)key.RevokedAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new() { Value = key.CreatedBy });
        cmd.Parameters.Add(new() { Value = (object?)key.RateLimitPerHour ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        cmd.Parameters.Add(new() { Value = (object?)key.PackagePatterns ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = (object?)key.Owner?.Organization ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = key.Owner is { } owner ? Organizations.MemberKinds.Name(owner.Kind) : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = (object?)key.Owner?.Id ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = (object?)key.LastUsedAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Keeps the provider's listing row current; <paramref name="versions"/> empty removes it.</summary>
    public async Task UpsertProviderAsync(string hostname, string ns, string type, string[] versions, string latest, DateTimeOffset publishedAt, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand(versions.Length == 0
            ? "DELETE FROM registry_providers WHERE hostname = $1 AND namespace = $2 AND type = $3"
            : """
              INSERT INTO registry_providers (hostname, namespace, type, latest_version, versions, published_at, updated_at)
              VALUES ($1, $2, $3, $4, $5, $6, now())
              ON CONFLICT (hostname, namespace, type) DO UPDATE SET
                latest_version = EXCLUDED.latest_version, versions = EXCLUDED.versions, published_at = EXCLUDED.published_at, updated_at = now()
              """);
        cmd.Parameters.Add(new() { Value = hostname });
        cmd.Parameters.Add(new() { Value = ns });
        cmd.Parameters.Add(new() { Value = type });
        if (versions.Length > 0)
        {
            cmd.Parameters.Add(new() { Value = latest });
            cmd.Parameters.Add(new() { Value = versions, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            cmd.Parameters.Add(new() { Value = publishedAt });
        }

        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task UpsertComposerPackageAsync(string name, string? description, string? abandoned, long installs, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            INSERT INTO registry_composer_packages (name, vendor, description, abandoned, installs, updated_at)
            VALUES ($1, split_part($1, '/', 1), $2, $3, $4, now())
            ON CONFLICT (name) DO UPDATE SET description = EXCLUDED.description, abandoned = EXCLUDED.abandoned,
              installs = EXCLUDED.installs, updated_at = now()
            """);
        cmd.Parameters.Add(new() { Value = name });
        cmd.Parameters.Add(new() { Value = (object?)description ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = (object?)abandoned ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = installs });
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task DeleteComposerPackageAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("DELETE FROM registry_composer_packages WHERE name = $1");
        cmd.Parameters.Add(new() { Value = name });
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}
