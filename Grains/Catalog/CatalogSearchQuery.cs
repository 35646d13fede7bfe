using Npgsql;
using NpgsqlTypes;
using OrleansRegistry.ApiKeys;

namespace OrleansRegistry.Catalog;

/// <summary>
/// The web UI's one search box: modules, providers and Composer packages in one page, ordered by name, each kind
/// limited to what the caller may read. Text matches the full name or the description, case-insensitively.
/// </summary>
public sealed class CatalogSearchQuery(NpgsqlDataSource dataSource)
{
    // An uploaded provider and mirrored copies of the same namespace/type are one entry; the uploaded one ('') first.
    private const string Sql = """
        WITH entries AS (
            SELECT 0 AS kind, namespace, name || '/' || system AS name, latest_version, description, downloads, NULL::text AS origin, false AS abandoned
            FROM registry_modules
            WHERE $2 AND ($3::text[] IS NULL OR namespace = ANY($3))
          UNION ALL
            (SELECT DISTINCT ON (namespace, type) 1, namespace, type, latest_version, NULL, 0, nullif(hostname, ''), false
             FROM registry_providers
             WHERE $4 AND ($5::text[] IS NULL OR namespace = ANY($5))
             ORDER BY namespace, type, hostname)
          UNION ALL
            SELECT 2, vendor, substr(name, length(vendor) + 2), NULL, description, installs, NULL, abandoned IS NOT NULL
            FROM registry_composer_packages
            WHERE $6 AND ($7::text[] IS NULL OR vendor = ANY($7)) AND ($8::text[] IS NULL OR name LIKE ANY($8))
        )
        SELECT kind, namespace, name, latest_version, description, downloads, origin, abandoned, count(*) OVER ()
        FROM entries
        WHERE ($1::text IS NULL OR namespace || '/' || name ILIKE $1 OR coalesce(description, '') ILIKE $1)
          AND ($9::text IS NULL OR namespace = $9)
        ORDER BY namespace COLLATE "C", name COLLATE "C", kind
        OFFSET $10 LIMIT $11
        """;

    public async Task<CatalogResults> SearchAsync(CatalogSearch search, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand(Sql);
        var parameters = cmd.Parameters;
        parameters.Add(Text(string.IsNullOrWhiteSpace(search.Text) ? null : $"%{EscapeLike(search.Text.Trim())}%"));
        AddKind(parameters, search, PackageKind.Module, search.ModuleNamespaces);
        AddKind(parameters, search, PackageKind.Provider, search.ProviderNamespaces);
        AddKind(parameters, search, PackageKind.Composer, search.ComposerVendors);
        parameters.Add(Texts(search.ComposerPackagePatterns?.Select(PackageGrants.ToLike).ToArray()));
        parameters.Add(Text(search.Namespace));
        parameters.Add(new() { Value = Math.Max(0, search.Offset) });
        parameters.Add(new() { Value = Math.Clamp(search.Limit, 1, 100) });
        var entries = new List<CatalogEntry>();
        long total = 0;
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new CatalogEntry(
                (PackageKind)reader.GetInt32(0), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetInt64(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetBoolean(7)));
            total = reader.GetInt64(8);
        }

        if (entries.Count == 0 && search.Offset > 0)
        {
            // Past the end: the count still tells the reader how many pages there are.
            total = (await SearchAsync(search with { Offset = 0, Limit = 1 }, cancellationToken)).Total;
        }

        return new CatalogResults([.. entries], total);
    }

    /// <summary>Whether the kind is searched at all ($2, $4, $6), and the namespaces it may come from.</summary>
    private static void AddKind(NpgsqlParameterCollection parameters, CatalogSearch search, PackageKind kind, string[]? reach)
    {
        var wanted = (search.Kind is null || search.Kind == kind) && reach is not { Length: 0 };
        parameters.Add(new() { Value = wanted, NpgsqlDbType = NpgsqlDbType.Boolean });
        parameters.Add(Texts(reach));
    }

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    private static NpgsqlParameter Texts(string[]? values) => new() { Value = (object?)values ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
