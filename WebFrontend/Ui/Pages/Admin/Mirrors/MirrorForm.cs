using OrleansRegistry.Mirroring;
using OrleansRegistry.WebFrontend.Api;
using static OrleansRegistry.WebFrontend.Ui.Shared.FormText;

namespace OrleansRegistry.WebFrontend.Ui.Pages.Admin.Mirrors;

/// <summary>
/// The mirror form as posted: every kind's fields (a page shows those of one kind), lists as text separated by spaces,
/// commas or lines. It becomes the admin API's request, so the API's own validation answers it.
/// </summary>
public sealed class MirrorForm
{
    public string? Name { get; set; }

    /// <summary>The upstream registry's URL, or the Git repository's.</summary>
    public string? Url { get; set; }

    public int? IntervalMinutes { get; set; }

    public bool AllowInsecure { get; set; }

    public string? Hostname { get; set; }

    public string? Providers { get; set; }

    public string? Versions { get; set; }

    public string? Platforms { get; set; }

    public bool PullThrough { get; set; }

    public string? Namespace { get; set; }

    public string? Path { get; set; }

    public string? ModuleName { get; set; }

    public string? System { get; set; }

    public string? TagPattern { get; set; }

    public string? Packages { get; set; }

    public string? Mode { get; set; }

    public string? UserAgent { get; set; }

    public string? Token { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    public static MirrorForm Of(MirrorSettings settings)
    {
        var form = new MirrorForm { Name = settings.Name, Url = settings.UpstreamUrl, IntervalMinutes = settings.IntervalMinutes, AllowInsecure = settings.AllowInsecure };
        switch (settings.KindSettings)
        {
            case ProviderMirrorSettings p:
                (form.Hostname, form.Providers, form.Versions, form.Platforms, form.PullThrough) = (p.Hostname, string.Join(' ', p.Providers), p.Versions, string.Join(' ', p.Platforms), p.PullThrough);
                break;
            case ModuleGitSourceSettings m:
                (form.Namespace, form.ModuleName, form.System, form.Path, form.TagPattern) = (m.Namespace, m.ModuleName, m.System, m.Path, m.TagPattern);
                break;
            case ComposerGitSourceSettings c:
                (form.Namespace, form.Path) = (c.Namespace, c.Path);
                break;
            case ComposerRepositoryMirrorSettings r:
                (form.Packages, form.Mode, form.UserAgent) = (r.Packages is null ? null : string.Join(' ', r.Packages), r.Mode, r.UserAgent);
                break;
        }

        return form;
    }

    /// <summary>
    /// The request for <paramref name="kind"/>; credentials only when <paramref name="withCredentials"/>. The form is the
    /// whole of the settings, so a field left blank is sent empty (the rules read "" and [] as unset), not null, which
    /// the API reads as "keep what the mirror has": clearing Platforms on the edit form must clear them.
    /// </summary>
    public MirrorRequest ToRequest(string kind, bool withCredentials) => new(
        Kind: kind,
        Name: kind == MirrorKinds.TerraformModuleGit ? Blank(ModuleName) : Blank(Name),
        UpstreamUrl: null,
        Hostname: Blank(Hostname) ?? "",
        Providers: List(Providers),
        Versions: Blank(Versions) ?? "",
        Platforms: List(Platforms) ?? [],
        IntervalMinutes: IntervalMinutes ?? 0,
        PullThrough: kind == MirrorKinds.TerraformProviders ? PullThrough : null,
        AllowInsecure: AllowInsecure,
        UpstreamToken: null,
        Credentials: withCredentials && !Credentials().IsEmpty ? Credentials() : null,
        Url: Blank(Url),
        Namespace: Blank(Namespace)?.ToLowerInvariant(),
        Path: Blank(Path) ?? "",
        System: Blank(System),
        TagPattern: Blank(TagPattern) ?? "",
        Packages: List(Packages) ?? [],
        Mode: Blank(Mode),
        UserAgent: Blank(UserAgent) ?? "");

    /// <summary>New credentials; all fields empty removes them.</summary>
    public MirrorCredentials Credentials() => new(Blank(Token), Blank(Username), Blank(Password));
}
