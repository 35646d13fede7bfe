using OrleansRegistry.Mirroring;

namespace OrleansRegistry.WebFrontend.Api;

/// <summary>
/// A mirror's or source's settings as the admin API takes them; on PUT, omitted fields keep their values. For
/// <c>terraform-module-git</c>, <c>name</c> is the module's name; Git sources take the repository as <c>url</c>.
/// </summary>
public sealed record MirrorRequest(
    string? Kind, string? Name, string? UpstreamUrl, string? Hostname, string[]? Providers, string? Versions, string[]? Platforms,
    int? IntervalMinutes, bool? PullThrough, bool? AllowInsecure, string? UpstreamToken, MirrorCredentials? Credentials,
    string? Url, string? Namespace, string? Path, string? System, string? TagPattern, string[]? Packages, string? Mode, string? UserAgent)
{
    /// <summary>The settings of the request's kind, omitted fields taken from the current ones; or why there are none.</summary>
    public (MirrorSettings? Settings, string? Error) ToSettings(MirrorSettings? current)
    {
        var kind = Kind ?? current?.Kind ?? "";
        var git = current?.KindSettings as IGitSourceSettings;
        var module = current?.KindSettings as ModuleGitSourceSettings;
        MirrorKindSettings? kindSettings = kind switch
        {
            MirrorKinds.TerraformProviders => ProvidersOf(current?.KindSettings as ProviderMirrorSettings),
            MirrorKinds.ComposerGit => new ComposerGitSourceSettings(Namespace ?? git?.Namespace, Path ?? git?.Path),
            MirrorKinds.TerraformModuleGit => new ModuleGitSourceSettings(
                Namespace ?? git?.Namespace, Name ?? module?.ModuleName, System ?? module?.System, Path ?? git?.Path, TagPattern ?? module?.TagPattern),
            MirrorKinds.ComposerRepository => RepositoryOf(current?.KindSettings as ComposerRepositoryMirrorSettings),
            _ => null,
        };
        if (kindSettings is null)
        {
            return (null, MirrorKinds.UnknownKind(kind));
        }

        // A module's name is its address (namespace/name/system), which the rules make; 'name' names the module.
        var name = kindSettings is ModuleGitSourceSettings ? "" : Name ?? current?.Name ?? "";
        return (new MirrorSettings(
            name,
            Url ?? UpstreamUrl ?? current?.UpstreamUrl ?? "",
            IntervalMinutes ?? current?.IntervalMinutes ?? 0,
            AllowInsecure ?? current?.AllowInsecure ?? false,
            kindSettings), null);
    }

    private ProviderMirrorSettings ProvidersOf(ProviderMirrorSettings? current) => new(
        Hostname ?? current?.Hostname ?? "",
        Providers ?? current?.Providers ?? [],
        Versions ?? current?.Versions,
        Platforms ?? current?.Platforms ?? [],
        PullThrough ?? current?.PullThrough ?? false);

    private ComposerRepositoryMirrorSettings RepositoryOf(ComposerRepositoryMirrorSettings? current) =>
        new(Packages ?? current?.Packages, Mode ?? current?.Mode, UserAgent ?? current?.UserAgent);

    /// <summary>New credentials when the request sets any: <c>credentials</c>, or <c>upstream_token</c> as a shorthand.</summary>
    public MirrorCredentials? NewCredentials => Credentials ?? (UpstreamToken is null ? null : new MirrorCredentials(UpstreamToken, null, null));
}
