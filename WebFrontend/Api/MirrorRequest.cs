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
    public MirrorSettings ToSettings(MirrorSettings? current)
    {
        var kind = Kind ?? current?.Kind ?? "";
        var module = kind == MirrorKinds.TerraformModuleGit;
        return new MirrorSettings(
            kind,
            module ? "" : Name ?? current?.Name ?? "",
            Url ?? UpstreamUrl ?? current?.UpstreamUrl ?? "",
            Hostname ?? current?.Hostname ?? "",
            Providers ?? current?.Providers ?? [],
            Versions ?? current?.Versions,
            Platforms ?? current?.Platforms ?? [],
            IntervalMinutes ?? current?.IntervalMinutes ?? 0,
            PullThrough ?? current?.PullThrough ?? false,
            AllowInsecure ?? current?.AllowInsecure ?? false,
            Namespace ?? current?.Namespace,
            Path ?? current?.Path,
            module ? Name ?? current?.ModuleName : null,
            System ?? current?.System,
            TagPattern ?? current?.TagPattern,
            Packages ?? current?.Packages,
            Mode ?? current?.Mode,
            UserAgent ?? current?.UserAgent);
    }

    /// <summary>New credentials when the request sets any: <c>credentials</c>, or <c>upstream_token</c> as a shorthand.</summary>
    public MirrorCredentials? NewCredentials => Credentials ?? (UpstreamToken is null ? null : new MirrorCredentials(UpstreamToken, null, null));
}
