using OrleansRegistry.Catalog;

namespace OrleansRegistry.WebFrontend.Ui.Pages.Catalog;

/// <summary>
/// A catalog page's place in its search as its links carry it: <c>after=</c> (the next page) or <c>before=</c> (the
/// previous one) an entry written as kind, namespace and name, <c>module/acme/network/aws</c>.
/// </summary>
public static class CatalogPageCursor
{
    public static string Text(CatalogEntry entry) => $"{entry.Kind.ToString().ToLowerInvariant()}/{entry.Namespace}/{entry.Name}";

    /// <summary>
    /// The cursor of <c>after=</c>, or else of <c>before=</c>; text that is neither (or holds control characters, which
    /// no name has) starts at the first page.
    /// </summary>
    public static CatalogCursor? Parse(string? after, string? before)
    {
        var (text, isBefore) = string.IsNullOrEmpty(after) ? (before, true) : (after, false);
        return text is { Length: <= 500 } && !text.Any(char.IsControl) && text.Split('/', 3) is [var kind, { Length: > 0 } ns, { Length: > 0 } name]
            && CatalogReach.ParseKind(kind) is { } parsed
            ? new CatalogCursor(parsed, ns, name, isBefore)
            : null;
    }
}
