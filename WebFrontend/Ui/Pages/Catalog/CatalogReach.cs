using OrleansRegistry.Catalog;
using OrleansRegistry.WebFrontend.Ui.Session;

namespace OrleansRegistry.WebFrontend.Ui.Pages.Catalog;

/// <summary>A search limited, kind by kind, to what the signed-in caller may read.</summary>
public static class CatalogReach
{
    public const int PageSize = 25;

    public static CatalogSearch For(UiCaller caller, string? text, PackageKind? kind, string? ns, CatalogCursor? cursor) => new(
        Text: string.IsNullOrWhiteSpace(text) ? null : text.Trim(),
        Kind: kind,
        Namespace: string.IsNullOrWhiteSpace(ns) ? null : ns.Trim().ToLowerInvariant(),
        ModuleNamespaces: caller.NamespacesFor(Scopes.ModulesRead),
        ProviderNamespaces: caller.NamespacesFor(Scopes.ProvidersRead),
        ComposerVendors: caller.NamespacesFor(Scopes.PackagesRead),
        ComposerPackagePatterns: caller.PackagePatterns(),
        Cursor: cursor,
        Limit: PageSize);

    public static PackageKind? ParseKind(string? kind) =>
        Enum.TryParse<PackageKind>(kind, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed : null;
}
