using Npgsql;
using NpgsqlTypes;
using OrleansRegistry.ApiKeys;
using OrleansRegistry.Changes;
using OrleansRegistry.Namespaces;

namespace OrleansRegistry.Catalog;

/// <summary>The read model's listings and searches, for the catalog grain: pages in a stable order, filtered by the caller's namespaces.</summary>
public sealed class ReadModelQueries(NpgsqlDataSource dataSource)
{
    public async Task<ProviderPage> ListProvidersAsync(ProviderQuery query, CancellationToken cancellationToken = default)
    {
        // An uploaded provider and a mirrored copy of the same namespace/type are one entry; the uploaded one wins.
        await using var cmd = dataSource.CreateCommand("""
            SELECT DISTINCT ON (namespace, type) namespace, type, latest_version, published_at
            FROM registry_providers
            WHERE ($1::text IS NULL OR namespace = $1)
              AND ($2::text[] IS NULL OR namespace = ANY($2))
            ORDER BY namespace, type, hostname
            OFFSET $3 LIMIT $4
            """);
        cmd.Parameters.Add(new() { Value = (object?)query.Namespace ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = (object?)query.AllowedNamespaces ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = query.Offset });
        cmd.Parameters.Add(new() { Value = query.Limit + 1 });
        var providers = new List<ProviderSummary>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            providers.Add(new ProviderSummary(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return new ProviderPage([.. providers.Take(query.Limit)], providers.Count > query.Limit);
    }

    public async Task<ModulePage> ListModulesAsync(ModuleQuery query, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT namespace, name, system, latest_version, description, published_at, downloads
            FROM registry_modules
            WHERE ($1::text IS NULL OR namespace = $1)
              AND ($2::text IS NULL OR system = $2)
              AND ($3::text[] IS NULL OR namespace = ANY($3))
              AND ($4::text IS NULL OR namespace || '/' || name || '/' || system ILIKE $4 OR coalesce(description, '') ILIKE $4)
            ORDER BY downloads DESC, namespace, name, system
            OFFSET $5 LIMIT $6
            """);
        cmd.Parameters.Add(new() { Value = (object?)query.Namespace ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = (object?)query.System ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = (object?)query.AllowedNamespaces ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = query.Search is null ? DBNull.Value : $"%{EscapeLike(query.Search)}%", NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = query.Offset });
        cmd.Parameters.Add(new() { Value = query.Limit + 1 });
        var modules = new List<ModuleSummary>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            modules.Add(new ModuleSummary(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetInt64(6)));
        }

        var hasMore = modules.Count > query.Limit;
        return new ModulePage([.. modules.Take(query.Limit)], hasMore);
    }

    public async Task<NamespacePage> ListNamespacesAsync(NamespaceQuery query, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT n.name, n.created_at, n.created_by,
                   coalesce(array(SELECT m.name || '/' || m.system FROM registry_modules m WHERE m.namespace = n.name ORDER BY 1), '{}')
            FROM registry_namespaces n
            WHERE $1::text[] IS NULL OR n.name = ANY($1)
            ORDER BY n.name
            OFFSET $2 LIMIT $3
            """);
        cmd.Parameters.Add(new() { Value = (object?)query.AllowedNamespaces ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = query.Offset });
        cmd.Parameters.Add(new() { Value = query.Limit + 1 });
        var result = new List<NamespaceView>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new NamespaceView(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetFieldValue<string[]>(3)));
        }

        return new NamespacePage([.. result.Take(query.Limit)], result.Count > query.Limit);
    }

    public async Task<ApiKeyPage> ListApiKeysAsync(ApiKeyQuery query, CancellationToken cancellationToken = default)
    {
        // A manager limited to namespaces sees the keys limited to some of those (never an unlimited key); one limited
        // to package patterns, the keys whose every pattern one of its own matches as text (PackageGrants.Covers).
        await using var cmd = dataSource.CreateCommand("""
            SELECT id, name, scopes, namespaces, created_at, expires_at, revoked_at, created_by, rate_limit_per_hour, package_patterns,
                   owner_organization, owner_kind, owner_id, last_used_at
            FROM registry_api_keys
            WHERE ($1::text[] IS NULL OR (namespaces IS NOT NULL AND namespaces <@ $1))
              AND ($4::text[] IS NULL OR (package_patterns IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM unnest(package_patterns) p WHERE NOT p LIKE ANY($4))))
              AND ($5::text IS NULL OR owner_organization = $5)
              AND ($6::text IS NULL OR (owner_kind = $6 AND owner_id = $7))
            ORDER BY created_at, id
            OFFSET $2 LIMIT $3
            """);
        cmd.Parameters.Add(new() { Value = (object?)query.ManagerNamespaces ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = query.Offset });
        cmd.Parameters.Add(new() { Value = query.Limit + 1 });
        cmd.Parameters.Add(new() { Value = LikePatterns(query.ManagerPackagePatterns), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = (object?)(query.Organization ?? query.Owner?.Organization) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = query.Owner is { } owner ? Organizations.MemberKinds.Name(owner.Kind) : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = (object?)query.Owner?.Id ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        var result = new List<ApiKeyView>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new ApiKeyView(
                reader.GetString(0), reader.GetString(1), reader.GetFieldValue<string[]>(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<string[]>(3),
                reader.GetFieldValue<DateTimeOffset>(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                LastUsedAt: reader.IsDBNull(13) ? null : reader.GetFieldValue<DateTimeOffset>(13),
                reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetInt32(8),
                PackagePatterns: reader.IsDBNull(9) ? null : reader.GetFieldValue<string[]>(9),
                Owner: reader.IsDBNull(10) ? null
                    : new Organizations.KeyOwner(reader.GetString(10), Organizations.MemberKinds.Parse(reader.GetString(11)), reader.GetString(12))));
        }

        return new ApiKeyPage([.. result.Take(query.Limit)], result.Count > query.Limit);
    }

    /// <summary>
    /// Package names visible to a key (<paramref name="allowed"/> vendors and <paramref name="packagePatterns"/>, null =
    /// all), optionally filtered by a glob.
    /// </summary>
    public async Task<ComposerPackageList> ListComposerPackagesAsync(
        string[]? allowed, string? search, int limit, string[]? packagePatterns = null, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT name, description, abandoned, installs, max(updated_at) OVER ()
            FROM registry_composer_packages
            WHERE ($1::text[] IS NULL OR vendor = ANY($1))
              AND ($2::text IS NULL OR name ILIKE $2 OR coalesce(description, '') ILIKE $2)
              AND ($4::text[] IS NULL OR name LIKE ANY($4))
            ORDER BY name
            LIMIT $3
            """);
        cmd.Parameters.Add(new() { Value = (object?)allowed ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = (object?)search ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = limit });
        cmd.Parameters.Add(new() { Value = LikePatterns(packagePatterns), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        var packages = new List<ComposerPackageSummary>();
        DateTimeOffset? lastModified = null;
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            packages.Add(new ComposerPackageSummary(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt64(3)));
            lastModified = reader.GetFieldValue<DateTimeOffset>(4);
        }

        return new ComposerPackageList([.. packages], lastModified);
    }

    /// <summary>
    /// For each of <paramref name="windows"/>, the live keys (not revoked, not yet expired at <paramref name="now"/>)
    /// that expire within it, in one query (for the api_keys_expiring gauge).
    /// </summary>
    public async Task<long[]> CountApiKeysExpiringAsync(DateTimeOffset now, IReadOnlyList<TimeSpan> windows, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT count(k.id)
            FROM unnest($2::timestamptz[]) WITH ORDINALITY AS w(until, i)
            LEFT JOIN registry_api_keys k ON k.revoked_at IS NULL AND k.expires_at > $1 AND k.expires_at <= w.until
            GROUP BY w.i
            ORDER BY w.i
            """);
        cmd.Parameters.Add(new() { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new() { Value = windows.Select(w => (now + w).UtcDateTime).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        var counts = new List<long>(windows.Count);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts.Add(reader.GetInt64(0));
        }

        return [.. counts];
    }

    private static object LikePatterns(string[]? packagePatterns) =>
        packagePatterns is null ? DBNull.Value : packagePatterns.Select(PackageGrants.ToLike).ToArray();

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
