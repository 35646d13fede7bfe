namespace OrleansRegistry.Mirroring;

/// <summary>The kinds of mirror (and package source) and what follows from the kind.</summary>
public static class MirrorKinds
{
    public const string TerraformProviders = "terraform-providers";
    public const string ComposerGit = "composer-git";
    public const string TerraformModuleGit = "terraform-module-git";
    public const string ComposerRepository = "composer-repository";

    public static readonly IReadOnlyList<string> All = [TerraformProviders, ComposerGit, TerraformModuleGit, ComposerRepository];

    /// <summary>The namespaces a mirror writes into: who may see and manage it.</summary>
    public static IEnumerable<string> Namespaces(MirrorSettings s) => s.KindSettings.Namespaces();

    public static IEnumerable<string> Namespaces(MirrorSummary m) => m.Kind switch
    {
        ComposerGit or TerraformModuleGit => [m.Namespace ?? ""],
        ComposerRepository => NamespacesOfPackages(m.Packages),
        _ => NamespacesOfProviders(m.Providers),
    };

    /// <summary>Why a kind is not one of <see cref="All"/>, in the words of the admin API.</summary>
    public static string UnknownKind(string? kind) => $"'kind' must be one of {string.Join(", ", All)} (got '{kind}')";

    /// <summary>
    /// A mirror of a whole upstream (<see cref="EveryPackage"/>) writes into every namespace: it reports this name,
    /// which no namespace can have, so only keys for every namespace may see and manage it.
    /// </summary>
    public const string EveryNamespace = "*";

    /// <summary>The pattern of a lazy composer-repository mirror that proxies every package its upstream has.</summary>
    public const string EveryPackage = "*";

    // Called on settings as requested, before they are validated: entries may be null.
    internal static IEnumerable<string> NamespacesOfProviders(string?[]? providers) =>
        (providers ?? []).Select(p => (p ?? "").Split('/')[0]).Distinct();

    internal static IEnumerable<string> NamespacesOfPackages(string?[]? packages) =>
        (packages ?? []).Select(p => p == EveryPackage ? EveryNamespace : (p ?? "").Split('/')[0]).Distinct();

    /// <summary>Whether a Composer package name matches a pattern: <c>vendor/name</c>, <c>vendor/*</c> or <c>*</c>.</summary>
    public static bool PackageMatches(string pattern, string package) =>
        pattern == EveryPackage
        || (pattern.EndsWith("/*", StringComparison.Ordinal)
            ? package.StartsWith(pattern[..^1], StringComparison.Ordinal)
            : pattern == package);
}
