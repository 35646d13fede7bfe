using OrleansRegistry.Catalog;
using OrleansRegistry.WebFrontend.Ui.Session;

namespace OrleansRegistry.WebFrontend.Ui.Pages.Catalog;

/// <summary>A search limited, kind by kind, to what the signed-in caller may read.</summary>
public static class CatalogReach
{
    public const int PageSize = 25;

    public static CatalogSearch For(UiCaller caller, string? text, PackageKind? kind, string? ns, CatalogCursor? cursor) => new(
        Text: Words(text),
        Kind: kind,
        Namespace: Words(ns)?.ToLowerInvariant(),
        ModuleNamespaces: caller.NamespacesFor(Scopes.ModulesRead),
        ProviderNamespaces: caller.NamespacesFor(Scopes.ProvidersRead),
        ComposerVendors: caller.NamespacesFor(Scopes.PackagesRead),
        ComposerPackagePatterns: caller.PackagePatterns(),
        Cursor: cursor,
        Limit: PageSize);

    /// <summary>
    /// Text from a query string as the search compares it: trimmed, at most 200 characters, without control characters
    /// (PostgreSQL refuses a NUL in text outright); null when nothing is left.
    /// </summary>
    public static string? Words(string? text)
    {
        var kept = text is null ? "" : new string([.. text.Where(c => !char.IsControl(c)).Take(200)]).Trim();
        return kept.Length == 0 ? null : kept;
    }

    public static PackageKind? ParseKind(string? kind) =>
        Enum.TryParse<PackageKind>(kind, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed : null;
}
