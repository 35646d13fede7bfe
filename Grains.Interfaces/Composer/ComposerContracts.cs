using OrleansRegistry.Caching;

namespace OrleansRegistry.Composer;

/// <summary>
/// A package zip already in the artifact store; <see cref="Version"/> overrides composer.json's. Git sources give
/// the commit as <see cref="Reference"/> (uploads use the zip's sha1) and <see cref="ReplaceDev"/> for a branch
/// that moved.
/// </summary>
[GenerateSerializer, Immutable, Alias("composer-publish")]
public sealed record ComposerPublish(
    [property: Id(0)] string? Version,
    [property: Id(1)] string StorageKey,
    [property: Id(2)] long Size,
    [property: Id(3)] string Sha1,
    [property: Id(4)] Actor PublishedBy,
    [property: Id(5)] string ManifestJson,
    [property: Id(6)] bool DefaultBranch = false,
    [property: Id(7)] string? Reference = null,
    [property: Id(8)] bool ReplaceDev = false);

/// <summary>A published version as composer.json and the p2 files name it.</summary>
[GenerateSerializer, Immutable, Alias("composer-published")]
public sealed record ComposerPublished(
    [property: Id(0)] string Version,
    [property: Id(1)] string VersionNormalized,
    [property: Id(2)] string Reference);

[GenerateSerializer, Immutable, Alias("composer-version-summary")]
public sealed record ComposerVersionSummary(
    [property: Id(0)] string Version,
    [property: Id(1)] string VersionNormalized,
    [property: Id(2)] string Reference,
    [property: Id(3)] long Size,
    [property: Id(4)] DateTimeOffset PublishedAt,
    [property: Id(5)] long Installs);

[GenerateSerializer, Immutable, Alias("composer-package-view")]
public sealed record ComposerPackageView(
    [property: Id(0)] string Name,
    [property: Id(1)] bool Abandoned,
    [property: Id(2)] string? Replacement,
    [property: Id(3)] ComposerVersionSummary[] Versions);

/// <summary>A Composer package, keyed <c>vendor/name</c> (the vendor is a namespace).</summary>
[Alias("composer-package")]
public interface IComposerPackageGrain : IGrainWithStringKey
{
    [Alias("publish")]
    Task<Outcome<ComposerPublished>> Publish(ComposerPublish request);

    /// <summary>
    /// <c>p2/vendor/name.json</c> (tags) or <c>~dev.json</c> (branches), minified, with dist URLs under
    /// <paramref name="baseUrl"/> (Composer needs absolute dist URLs); null when there is none.
    /// </summary>
    [Alias("metadata")]
    Task<ProtocolDocument?> GetMetadata(bool dev, string baseUrl, IDocumentHolder? holder);

    /// <summary>The storage key of a dist, when the reference matches; <paramref name="holder"/> is told when it changes.</summary>
    [Alias("dist")]
    Task<string?> GetDist(string versionNormalized, string reference, IDocumentHolder? holder);

    [Alias("delete-version")]
    Task<Outcome> DeleteVersion(string version, Actor actor);

    /// <summary>Marks the package abandoned (optionally naming a replacement), or not, with null.</summary>
    [Alias("abandon")]
    Task<Outcome> SetAbandoned(bool abandoned, string? replacement, Actor actor);

    /// <summary>The package for the API/UI (versions newest first, with install counts); null when it has none.</summary>
    [Alias("view"), Orleans.Concurrency.ReadOnly]
    Task<ComposerPackageView?> GetView();

    /// <summary>The composer.json metadata of one version (by its normalized version), as JSON text; null when absent.</summary>
    [Alias("version-metadata"), Orleans.Concurrency.ReadOnly]
    Task<string?> GetVersionMetadata(string versionNormalized);

    [Alias("count-installs"), Orleans.Concurrency.OneWay]
    Task CountInstall(string versionNormalized);

    /// <summary>
    /// Whether the package has any version: a private package shadows a mirrored one of the same name.
    /// <paramref name="holder"/> is told when that may change (the package's first version, its last one deleted).
    /// </summary>
    [Alias("exists")]
    Task<bool> Exists(IDocumentHolder? holder);
}

[GenerateSerializer, Immutable, Alias("composer-manifest")]
public sealed record ComposerManifestResult(
    [property: Id(0)] string? Name,
    [property: Id(1)] string? ManifestJson,
    [property: Id(2)] string? Error);

/// <summary>Reads and validates composer.json from an uploaded zip (stateless, runs on any silo).</summary>
[Alias("composer-archive-inspector")]
public interface IComposerArchiveGrain : IGrainWithIntegerKey
{
    [Alias("inspect")]
    Task<ComposerManifestResult> Inspect(string storageKey);
}

/// <summary>
/// The names of all Composer packages, and <c>packages.json</c> rendered per set of visible vendors, so that
/// document is bytes held in memory rather than a query per request.
/// </summary>
[Alias("composer-catalog")]
public interface IComposerCatalogGrain : IGrainWithIntegerKey
{
    [Alias("add")]
    Task Add(string package);

    [Alias("remove")]
    Task Remove(string package);

    /// <summary>The package patterns (<c>vendor/*</c>, <c>vendor/name</c>) composer-repository mirrors serve.</summary>
    [Alias("set-mirrored-patterns")]
    Task SetMirroredPatterns(string[] patterns);

    /// <summary>
    /// <c>packages.json</c> for a key that sees <paramref name="vendors"/> (null = every vendor) and the packages its
    /// <paramref name="packagePatterns"/> match (null = every package).
    /// </summary>
    [Alias("packages-json")]
    Task<ProtocolDocument> GetPackagesJson(string[]? vendors, IDocumentHolder? holder, string[]? packagePatterns = null);
}
