using OrleansRegistry.Catalog;

namespace OrleansRegistry.WebFrontend.Ui.Shared;

/// <summary>Where each page of the UI lives, relative to the document's base (<c>/</c>).</summary>
public static class UiLinks
{
    public static string Entry(CatalogEntry entry) => entry.Kind switch
    {
        PackageKind.Module => $"ui/modules/{entry.Namespace}/{entry.Name}",
        PackageKind.Provider => entry.Origin is null ? $"ui/providers/{entry.Namespace}/{entry.Name}" : $"ui/providers/{entry.Namespace}/{entry.Name}?origin={Uri.EscapeDataString(entry.Origin)}",
        _ => $"ui/packages/{entry.Namespace}/{entry.Name}",
    };

    public static string Namespace(string ns) => $"ui/namespaces/{Uri.EscapeDataString(ns)}";

    public static string Module(string ns, string name, string system, string? version = null) =>
        version is null ? $"ui/modules/{ns}/{name}/{system}" : $"ui/modules/{ns}/{name}/{system}/{Uri.EscapeDataString(version)}";

    /// <summary>The search page; <paramref name="page"/> (<c>after=…</c> or <c>before=…</c>) picks a page other than the first.</summary>
    public static string Search(string? text, PackageKind? kind, string? ns, string? page)
    {
        var query = new List<string>();
        if (!string.IsNullOrEmpty(text)) query.Add($"q={Uri.EscapeDataString(text)}");
        if (kind is { } k) query.Add($"kind={k.ToString().ToLowerInvariant()}");
        if (!string.IsNullOrEmpty(ns)) query.Add($"ns={Uri.EscapeDataString(ns)}");
        if (page is not null) query.Add(page);
        return query.Count == 0 ? "ui" : $"ui?{string.Join('&', query)}";
    }
}
