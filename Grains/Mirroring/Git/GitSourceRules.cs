using System.Text.RegularExpressions;

namespace OrleansRegistry.Mirroring.Git;

/// <summary>
/// The rules of the Git source kinds: a Git URL without credentials, a namespace, an optional directory, and for a
/// module its name, system and tag pattern (the module's address is its name).
/// </summary>
public static partial class GitSourceRules
{
    public static (MirrorSettings? Settings, string? Error) Normalize(MirrorSettings s, ComposerGitSourceSettings composer)
    {
        var (url, path, error) = Common(s, composer);
        if (error is not null)
        {
            return MirrorSettingsRules.Fail(error);
        }

        return Finish(s, s.Name?.Trim() ?? "", url, new ComposerGitSourceSettings(composer.Namespace, path));
    }

    public static (MirrorSettings? Settings, string? Error) Normalize(MirrorSettings s, ModuleGitSourceSettings module)
    {
        var (url, path, error) = Common(s, module);
        if (error is not null)
        {
            return MirrorSettingsRules.Fail(error);
        }

        if ((Names.Problem("name", module.ModuleName) ?? Names.Problem("system", module.System)) is { } badModule)
        {
            return MirrorSettingsRules.Fail(badModule);
        }

        var tagPattern = module.TagPattern?.Trim();
        tagPattern = string.IsNullOrEmpty(tagPattern) ? "v*" : tagPattern;
        if (!TagPatternRule().IsMatch(tagPattern))
        {
            return MirrorSettingsRules.Fail($"'tag_pattern' must be a tag name with at most one '*', like v* or release-* (got '{module.TagPattern}')");
        }

        return Finish(s, $"{module.Namespace}/{module.ModuleName}/{module.System}", url,
            new ModuleGitSourceSettings(module.Namespace, module.ModuleName, module.System, path, tagPattern));
    }

    /// <summary>The URL and path as stored, or why they (or the namespace) cannot be.</summary>
    private static (string Url, string? Path, string? Error) Common(MirrorSettings s, IGitSourceSettings git)
    {
        var url = s.UpstreamUrl?.Trim() ?? "";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed)
            || !(parsed.Scheme is "https" or "ssh" or "file" || (parsed.Scheme == "http" && s.AllowInsecure))
            || url.Any(char.IsWhiteSpace) || (parsed.Scheme == "https" && parsed.UserInfo.Length > 0))
        {
            return ("", null, $"'url' must be an https://, ssh:// or file:// Git URL, without credentials (put those in 'credentials'; plain http needs allow_insecure) (got '{s.UpstreamUrl}')");
        }

        if (Names.Problem("namespace", git.Namespace) is { } badNamespace)
        {
            return ("", null, badNamespace);
        }

        var path = git.Path?.Trim().Trim('/');
        if (!string.IsNullOrEmpty(path) && (path.Contains('\\', StringComparison.Ordinal) || path.Split('/').Any(p => p is "" or "." or ".." || p.StartsWith('-'))))
        {
            return ("", null, $"'path' must be a relative directory in the repository, like packages/tool (got '{git.Path}')");
        }

        return (url, string.IsNullOrEmpty(path) ? null : path, null);
    }

    private static (MirrorSettings? Settings, string? Error) Finish(MirrorSettings s, string name, string url, MirrorKindSettings kindSettings)
    {
        name = name.Length == 0 ? url : name;
        if (name.Length > 300 || name.Any(char.IsControl))
        {
            return MirrorSettingsRules.Fail("'name' must be 1-300 printable characters");
        }

        var (interval, intervalError) = MirrorSettingsRules.Interval(s.IntervalMinutes);
        return intervalError is null
            ? (new MirrorSettings(name, url, interval, s.AllowInsecure, kindSettings), null)
            : MirrorSettingsRules.Fail(intervalError);
    }

    [GeneratedRegex(@"^[A-Za-z0-9._/-]*\*?[A-Za-z0-9._/-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPatternRule();
}
