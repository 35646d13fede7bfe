namespace OrleansRegistry.Catalog;

/// <summary>The kinds of package the catalog holds, as the web UI filters them.</summary>
public enum PackageKind
{
    Module,
    Provider,
    Composer,
}

/// <summary>
/// One search over every kind of package the caller may read. Each kind has its own reach: null namespaces (or
/// vendors) mean every one, an empty array none (the caller may not read that kind at all). A page starts after
/// (or ends before) its <see cref="Cursor"/>, an entry of the page next to it: the first page has none.
/// </summary>
[GenerateSerializer, Immutable, Alias("catalog-search")]
public sealed record CatalogSearch(
    [property: Id(0)] string? Text,
    [property: Id(1)] PackageKind? Kind,
    [property: Id(2)] string? Namespace,
    [property: Id(3)] string[]? ModuleNamespaces,
    [property: Id(4)] string[]? ProviderNamespaces,
    [property: Id(5)] string[]? ComposerVendors,
    [property: Id(6)] string[]? ComposerPackagePatterns,
    [property: Id(9)] CatalogCursor? Cursor,
    [property: Id(8)] int Limit);

/// <summary>
/// Where a page of a search starts: right after the entry (the next page) or right before it (the previous page),
/// in the catalog's order of namespace, name and kind. The entry need not exist any more.
/// </summary>
[GenerateSerializer, Immutable, Alias("catalog-cursor")]
public sealed record CatalogCursor(
    [property: Id(0)] PackageKind Kind,
    [property: Id(1)] string Namespace,
    [property: Id(2)] string Name,
    [property: Id(3)] bool Before = false);

/// <summary>
/// One package in a search: <see cref="Namespace"/> is a Composer package's vendor, <see cref="Name"/> a module's
/// <c>name/system</c>, a provider's type or a Composer package's name after the vendor. <see cref="Origin"/> is the
/// upstream host a mirrored provider came from, null for one published here.
/// </summary>
[GenerateSerializer, Immutable, Alias("catalog-entry")]
public sealed record CatalogEntry(
    [property: Id(0)] PackageKind Kind,
    [property: Id(1)] string Namespace,
    [property: Id(2)] string Name,
    [property: Id(3)] string? LatestVersion,
    [property: Id(4)] string? Description,
    [property: Id(5)] long Downloads,
    [property: Id(6)] string? Origin,
    [property: Id(7)] bool Abandoned);

/// <summary>A page of a search, the number of entries the whole search matches, and whether pages lie either side.</summary>
[GenerateSerializer, Immutable, Alias("catalog-results")]
public sealed record CatalogResults(
    [property: Id(0)] CatalogEntry[] Entries,
    [property: Id(1)] long Total,
    [property: Id(2)] bool HasPrevious = false,
    [property: Id(3)] bool HasNext = false);
