namespace OrleansRegistry.Mirroring;

/// <summary>The kinds of mirror (and package source) and what follows from the kind.</summary>
public static class MirrorKinds
{
    public const string TerraformProviders = "terraform-providers";
    public const string ComposerGit = "composer-git";
    public const string TerraformModuleGit = "terraform-module-git";
    public const string ComposerRepository = "composer-repository";

    public static readonly IReadOnlyList<string> All = [TerraformProviders, ComposerGit, TerraformModuleGit, ComposerRepository];

    public static bool IsGit(string kind) => kind is ComposerGit or TerraformModuleGit;

    /// <summary>The namespaces a mirror writes into: who may see and manage it.</summary>
    public static IEnumerable<string> Namespaces(MirrorSettings s) => Namespaces(s.Kind, s.Namespace, s.Providers, s.Packages);

    public static IEnumerable<string> Namespaces(MirrorSummary m) => Namespaces(m.Kind, m.Namespace, m.Providers, m.Packages);

    private static IEnumerable<string> Namespaces(string kind, string? ns, string[] providers, string[]? packages) => kind switch
    {
        ComposerGit or TerraformModuleGit => [ns ?? ""],
        ComposerRepository => (packages ?? []).Select(p => p.Split('/')[0]).Distinct(),
        _ => providers.Select(p => p.Split('/')[0]).Distinct(),
    };

    /// <summary>Whether a Composer package name matches a pattern: <c>vendor/name</c> or <c>vendor/*</c>.</summary>
    public static bool PackageMatches(string pattern, string package) =>
        pattern.EndsWith("/*", StringComparison.Ordinal)
            ? package.StartsWith(pattern[..^1], StringComparison.Ordinal)
            : pattern == package;
}
