namespace OrleansRegistry.Mirroring;

/// <summary>The kinds of mirror (and package source) and what follows from the kind.</summary>
public static class MirrorKinds
{
    public const string TerraformProviders = "terraform-providers";
    public const string ComposerGit = "composer-git";
    public const string TerraformModuleGit = "terraform-module-git";

    public static readonly IReadOnlyList<string> All = [TerraformProviders, ComposerGit, TerraformModuleGit];

    public static bool IsGit(string kind) => kind is ComposerGit or TerraformModuleGit;

    /// <summary>The namespaces a mirror writes into: who may see and manage it.</summary>
    public static IEnumerable<string> Namespaces(MirrorSettings s) =>
        IsGit(s.Kind) ? [s.Namespace ?? ""] : s.Providers.Select(p => p.Split('/')[0]).Distinct();
}
