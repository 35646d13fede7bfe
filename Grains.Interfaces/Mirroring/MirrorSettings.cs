namespace OrleansRegistry.Mirroring;

/// <summary>
/// What a mirror (or package source) copies and from where, as an administrator configures it: what every kind has,
/// and in <see cref="KindSettings"/> what only its kind has (whose type selects the behaviour). For Git sources
/// <see cref="UpstreamUrl"/> is the repository URL.
/// </summary>
[GenerateSerializer, Immutable, Alias("mirror-settings")]
public sealed record MirrorSettings(
    [property: Id(0)] string Name,
    [property: Id(1)] string UpstreamUrl,
    [property: Id(2)] int IntervalMinutes,
    [property: Id(3)] bool AllowInsecure,
    [property: Id(4)] MirrorKindSettings KindSettings)
{
    /// <summary>One of <see cref="MirrorKinds.All"/>.</summary>
    public string Kind => KindSettings.Kind;
}

/// <summary>The settings only one kind of mirror has.</summary>
[GenerateSerializer, Immutable, Alias("mirror-kind-settings")]
public abstract record MirrorKindSettings
{
    public abstract string Kind { get; }

    /// <summary>The namespaces the mirror writes into: who may see and manage it. Called before validation too.</summary>
    public abstract IEnumerable<string> Namespaces();
}

/// <summary>
/// <c>terraform-providers</c>: the providers (<c>namespace/type</c> or <c>namespace/*</c>) to copy, served under
/// <see cref="Hostname"/>, limited to a version constraint and platforms (none: all); pull-through also fetches on demand.
/// </summary>
[GenerateSerializer, Immutable, Alias("provider-mirror-settings")]
public sealed record ProviderMirrorSettings(
    [property: Id(0)] string Hostname,
    [property: Id(1)] string[] Providers,
    [property: Id(2)] string? Versions,
    [property: Id(3)] string[] Platforms,
    [property: Id(4)] bool PullThrough) : MirrorKindSettings
{
    public override string Kind => MirrorKinds.TerraformProviders;

    public override IEnumerable<string> Namespaces() => MirrorKinds.NamespacesOfProviders(Providers);
}

/// <summary>What both Git source kinds have: the namespace they publish into and the directory of the repository.</summary>
public interface IGitSourceSettings
{
    string? Namespace { get; }

    /// <summary>A directory of the repository; null for its root.</summary>
    string? Path { get; }
}

/// <summary><c>composer-git</c>: a Composer package from a Git repository, published into a namespace.</summary>
[GenerateSerializer, Immutable, Alias("composer-git-source-settings")]
public sealed record ComposerGitSourceSettings(
    [property: Id(0)] string? Namespace,
    [property: Id(1)] string? Path) : MirrorKindSettings, IGitSourceSettings
{
    public override string Kind => MirrorKinds.ComposerGit;

    public override IEnumerable<string> Namespaces() => [Namespace ?? ""];
}

/// <summary><c>terraform-module-git</c>: a Terraform module from the tags of a Git repository that match a pattern.</summary>
[GenerateSerializer, Immutable, Alias("module-git-source-settings")]
public sealed record ModuleGitSourceSettings(
    [property: Id(0)] string? Namespace,
    [property: Id(1)] string? ModuleName,
    [property: Id(2)] string? System,
    [property: Id(3)] string? Path,
    [property: Id(4)] string? TagPattern) : MirrorKindSettings, IGitSourceSettings
{
    public override string Kind => MirrorKinds.TerraformModuleGit;

    public override IEnumerable<string> Namespaces() => [Namespace ?? ""];
}

/// <summary>
/// <c>composer-repository</c>: packages (<c>vendor/name</c>, <c>vendor/*</c> or <c>*</c>) of an upstream Composer
/// repository, fetched on first request (lazy) or on each sync (eager), under an optional user agent.
/// </summary>
[GenerateSerializer, Immutable, Alias("composer-repository-mirror-settings")]
public sealed record ComposerRepositoryMirrorSettings(
    [property: Id(0)] string[]? Packages,
    [property: Id(1)] string? Mode,
    [property: Id(2)] string? UserAgent) : MirrorKindSettings
{
    public override string Kind => MirrorKinds.ComposerRepository;

    public override IEnumerable<string> Namespaces() => MirrorKinds.NamespacesOfPackages(Packages);
}
