namespace OrleansRegistry.WebFrontend.Caching;

/// <summary>
/// Which of a grain's documents: its kind, and what it varies by — <see cref="Subject"/> (a version, the base URL
/// dist links carry, a vendor list) and, for a download, the platform. Kept as fields rather than joined into one
/// string, so a cached read builds no name.
/// </summary>
public readonly record struct DocumentKey(string Kind, string? Subject = null, string? Os = null, string? Arch = null)
{
    /// <summary>A module's or provider's <c>versions</c> document.</summary>
    public static readonly DocumentKey Versions = new("versions");

    /// <summary>A provider platform's download document.</summary>
    public static DocumentKey Download(string version, string os, string arch) => new("download", version, os, arch);

    /// <summary>A provider version's network-mirror document (<c>{version}.json</c>).</summary>
    public static DocumentKey MirrorVersion(string version) => new("mirror", version);

    /// <summary>A Composer package's p2 file, tags or <c>~dev</c>, with dist URLs under <paramref name="baseUrl"/>.</summary>
    public static DocumentKey ComposerMetadata(bool dev, string baseUrl) => new(dev ? "p2~dev" : "p2", baseUrl);

    /// <summary>Which grain serves a Composer package: its own, a mirror's, or none (<see cref="Composer.ComposerRoute"/>).</summary>
    public static readonly DocumentKey ComposerRoute = new("route");

    /// <summary>Where a Composer dist is stored.</summary>
    public static DocumentKey ComposerDist(string version, string reference) => new("dist", version, reference);

    /// <summary>
    /// The Composer <c>packages.json</c> as a key limited to <paramref name="vendors"/> and <paramref name="patterns"/>
    /// (each comma-joined, sorted) sees it. The patterns ride in the <see cref="Os"/> slot, which this kind has no use for.
    /// </summary>
    public static DocumentKey PackagesJson(string? vendors, string? patterns = null) => new("packages.json", vendors, patterns);
}
