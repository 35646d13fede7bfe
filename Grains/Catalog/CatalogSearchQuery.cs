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
    // Text ($1, lower-cased by the statement) is compared with the rows' stored lower-cased name and description
    // (migration 0012), inside each kind, so only matching rows go further.
    private const string Entries = """
        WITH entries AS (
            SELECT 0 AS kind, namespace, name || '/' || system AS name, latest_version, description, downloads, NULL::text AS origin, false AS abandoned
            FROM registry_modules
            WHERE $2 AND ($3::text[] IS NULL OR namespace = ANY($3)) AND ($9::text IS NULL OR namespace = $9)
              AND ($1::text IS NULL OR search_name LIKE lower($1) OR search_description LIKE lower($1))
          UNION ALL
            (SELECT DISTINCT ON (namespace, type) 1, namespace, type, latest_version, NULL, 0, nullif(hostname, ''), false
             FROM registry_providers
             WHERE $4 AND ($5::text[] IS NULL OR namespace = ANY($5)) AND ($9::text IS NULL OR namespace = $9)
               AND ($1::text IS NULL OR search_name LIKE lower($1))
             ORDER BY namespace, type, hostname)
          UNION ALL
            SELECT 2, vendor, substr(name, length(vendor) + 2), NULL, description, installs, NULL, abandoned IS NOT NULL
            FROM registry_composer_packages
            WHERE $6 AND ($7::text[] IS NULL OR vendor = ANY($7)) AND ($8::text[] IS NULL OR name LIKE ANY($8)) AND ($9::text IS NULL OR vendor = $9)
              AND ($1::text IS NULL OR search_name LIKE lower($1) OR search_description LIKE lower($1))
        )
        """;

    // The page and the count are two statements of one round trip: a count(*) OVER () on the page kept every entry of
    // an unfiltered search in a tuplestore before the sort picked 25, the larger part of that search's time.
    private const string PageSql = Entries + "\n" + """
        SELECT kind, namespace, name, latest_version, description, downloads, origin, abandoned
        FROM entries
        ORDER BY namespace COLLATE "C", name COLLATE "C", kind
        OFFSET $10 LIMIT $11
        """;

    private const string CountSql = Entries + "\nSELECT count(*) FROM entries";

    public async Task<CatalogResults> SearchAsync(CatalogSearch search, CancellationToken cancellationToken = default)
    {
        await using var batch = dataSource.CreateBatch();
        var page = new NpgsqlBatchCommand(PageSql);
        AddFilters(page.Parameters, search);
        page.Parameters.Add(new() { Value = Math.Max(0, search.Offset) });
        page.Parameters.Add(new() { Value = Math.Clamp(search.Limit, 1, 100) });
        var count = new NpgsqlBatchCommand(CountSql);
        AddFilters(count.Parameters, search);
        batch.BatchCommands.Add(page);
        batch.BatchCommands.Add(count);
        var entries = new List<CatalogEntry>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new CatalogEntry(
                (PackageKind)reader.GetInt32(0), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetInt64(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetBoolean(7)));
        }

        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new CatalogResults([.. entries], reader.GetInt64(0));
    }

    /// <summary>$1 to $9: the text, each kind's reach, the package patterns and the namespace.</summary>
    private static void AddFilters(NpgsqlParameterCollection parameters, CatalogSearch search)
    {
        parameters.Add(Text(string.IsNullOrWhiteSpace(search.Text) ? null : $"%{EscapeLike(search.Text.Trim())}%"));
        AddKind(parameters, search, PackageKind.Module, search.ModuleNamespaces);
        AddKind(parameters, search, PackageKind.Provider, search.ProviderNamespaces);
        AddKind(parameters, search, PackageKind.Composer, search.ComposerVendors);
        parameters.Add(Texts(search.ComposerPackagePatterns?.Select(PackageGrants.ToLike).ToArray()));
        parameters.Add(Text(search.Namespace));
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
