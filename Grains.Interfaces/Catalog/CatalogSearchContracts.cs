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
/// vendors) mean every one, an empty array none (the caller may not read that kind at all).
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
    [property: Id(7)] int Offset,
    [property: Id(8)] int Limit);

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

[GenerateSerializer, Immutable, Alias("catalog-results")]
public sealed record CatalogResults(
    [property: Id(0)] CatalogEntry[] Entries,
    [property: Id(1)] long Total);
