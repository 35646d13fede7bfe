using Npgsql;
using NpgsqlTypes;
using OrleansRegistry.ApiKeys;

namespace OrleansRegistry.Catalog;

/// <summary>
/// The web UI's one search box: modules, providers and Composer packages in one page, ordered by namespace, name and
/// kind, each kind limited to what the caller may read. Text matches the full name or the description,
/// case-insensitively. Pages go by keyset: each kind reads the entries after (or before) the cursor from its index in
/// that order (migration 0013), so a page deep in the catalog costs what the first one does.
/// </summary>
public sealed class CatalogSearchQuery(NpgsqlDataSource dataSource)
{
    /// <summary>One kind's rows as catalog entries: what it selects, its filters, and the two expressions it is ordered by.</summary>
    private sealed record KindRows(PackageKind Kind, string Select, string Where, string Namespace, string Name, string OrderTail = "");

    // Text ($1, lower-cased by the statement) is compared with the rows' stored lower-cased name and description
    // (migration 0012), inside each kind, so only matching rows go further. $2, $4, $6 say whether a kind is searched,
    // $3, $5, $7 its namespaces, $8 the Composer package patterns, $9 the namespace asked for.
    private static readonly KindRows[] Kinds =
    [
        new(PackageKind.Module,
            "SELECT 0 AS kind, namespace, name || '/' || system AS name, latest_version, description, downloads, NULL::text AS origin, false AS abandoned FROM registry_modules",
            "$2 AND ($3::text[] IS NULL OR namespace = ANY($3)) AND ($9::text IS NULL OR namespace = $9) AND ($1::text IS NULL OR search_name LIKE lower($1) OR search_description LIKE lower($1))",
            "namespace", "name || '/' || system"),

        // An uploaded provider and mirrored copies of the same namespace/type are one entry; the uploaded one ('') first.
        new(PackageKind.Provider,
            """SELECT DISTINCT ON (namespace COLLATE "C", type COLLATE "C") 1, namespace, type, latest_version, NULL, 0, nullif(hostname, ''), false FROM registry_providers""",
            "$4 AND ($5::text[] IS NULL OR namespace = ANY($5)) AND ($9::text IS NULL OR namespace = $9) AND ($1::text IS NULL OR search_name LIKE lower($1))",
            "namespace", "type", ", hostname"),
        new(PackageKind.Composer,
            "SELECT 2, vendor, substr(name, length(vendor) + 2), NULL, description, installs, NULL, abandoned IS NOT NULL FROM registry_composer_packages",
            "$6 AND ($7::text[] IS NULL OR vendor = ANY($7)) AND ($8::text[] IS NULL OR name LIKE ANY($8)) AND ($9::text IS NULL OR vendor = $9) AND ($1::text IS NULL OR search_name LIKE lower($1) OR search_description LIKE lower($1))",
            "vendor", "substr(name, length(vendor) + 2)"),
    ];

    private static readonly string NextPageSql = PageSql(before: false);

    private static readonly string PreviousPageSql = PageSql(before: true);

    // The total is a second statement of the same round trip: a count(*) OVER () on the page would read every match.
    private static readonly string CountSql =
        $"SELECT count(*) FROM ({string.Join(" UNION ALL ", Kinds.Select(k => $"{k.Select} WHERE {k.Where}"))}) AS entries";

    /// <summary>
    /// A page after the cursor ($10 namespace, $11 name, $12 kind), or before it read backwards: each kind its first
    /// $13 entries past the cursor in index order, then the first $13 of those. An entry of the cursor's own
    /// namespace and name is past it only if its kind is too.
    /// </summary>
    private static string PageSql(bool before)
    {
        var (past, sameRowNotPast, direction) = before ? ("<=", ">=", " DESC") : (">=", "<=", "");
        var branches = Kinds.Select(k => $"""
            ({k.Select}
             WHERE {k.Where}
               AND ($10::text IS NULL OR ({k.Namespace} COLLATE "C", ({k.Name}) COLLATE "C") {past} ($10, $11))
               AND ({k.Namespace} = $10 AND {k.Name} = $11 AND {(int)k.Kind} {sameRowNotPast} $12) IS NOT TRUE
             ORDER BY {k.Namespace} COLLATE "C"{direction}, ({k.Name}) COLLATE "C"{direction}{k.OrderTail}
             LIMIT $13)
            """);
        return $"""
            SELECT kind, namespace, name, latest_version, description, downloads, origin, abandoned
            FROM ({string.Join("\nUNION ALL\n", branches)}) AS entries
            ORDER BY namespace COLLATE "C"{direction}, name COLLATE "C"{direction}, kind{direction}
            LIMIT $13
            """;
    }

    public async Task<CatalogResults> SearchAsync(CatalogSearch search, CancellationToken cancellationToken = default)
    {
        var limit = Math.Clamp(search.Limit, 1, 100);
        var cursor = search.Cursor;
        var before = cursor?.Before == true;
        await using var batch = dataSource.CreateBatch();
        var page = new NpgsqlBatchCommand(before ? PreviousPageSql : NextPageSql);
        AddFilters(page.Parameters, search);
        page.Parameters.Add(Text(cursor?.Namespace));
        page.Parameters.Add(Text(cursor?.Name));
        page.Parameters.Add(new() { Value = (int)(cursor?.Kind ?? 0), NpgsqlDbType = NpgsqlDbType.Integer });
        page.Parameters.Add(new() { Value = limit + 1, NpgsqlDbType = NpgsqlDbType.Integer }); // one more says whether a page follows
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
        var total = reader.GetInt64(0);
        var more = entries.Count > limit;
        if (more)
        {
            entries.RemoveAt(limit);
        }

        if (before)
        {
            if (entries.Count == 0 && total > 0)
            {
                // Nothing lies before the cursor (what did went away): the first page is the page before.
                await reader.DisposeAsync();
                return await SearchAsync(search with { Cursor = null }, cancellationToken);
            }

            entries.Reverse();
        }

        // Beyond a cursor lies at least the entry it was taken from, unless that one has gone since.
        return new CatalogResults([.. entries], total, HasPrevious: before ? more : cursor is not null, HasNext: before ? cursor is not null : more);
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
