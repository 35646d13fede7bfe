using System.Text.RegularExpressions;
using OrleansRegistry.Terraform;
using OrleansRegistry.Versions;

namespace OrleansRegistry.Mirroring;

/// <summary>Validates and normalizes mirror settings; the error names the field and what is expected.</summary>
public static partial class MirrorSettingsRules
{
    public const string TerraformProviders = MirrorKinds.TerraformProviders;
    public const string ComposerGit = MirrorKinds.ComposerGit;
    public const string TerraformModuleGit = MirrorKinds.TerraformModuleGit;
    public const int DefaultIntervalMinutes = 60;
    private const int MaxIntervalMinutes = 7 * 24 * 60;

    public static (MirrorSettings? Settings, string? Error) Normalize(MirrorSettings s) => s.Kind switch
    {
        TerraformProviders => NormalizeProviders(s),
        ComposerGit or TerraformModuleGit => NormalizeGit(s),
        MirrorKinds.ComposerRepository => NormalizeComposerRepository(s),
        _ => Fail($"'kind' must be one of {string.Join(", ", MirrorKinds.All)} (got '{s.Kind}')"),
    };

    private static (MirrorSettings? Settings, string? Error) NormalizeGit(MirrorSettings s)
    {
        var url = s.UpstreamUrl?.Trim() ?? "";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed)
            || !(parsed.Scheme is "https" or "ssh" or "file" || (parsed.Scheme == "http" && s.AllowInsecure))
            || url.Any(char.IsWhiteSpace) || (parsed.Scheme == "https" && parsed.UserInfo.Length > 0))
        {
            return Fail($"'url' must be an https://, ssh:// or file:// Git URL, without credentials (put those in 'credentials'; plain http needs allow_insecure) (got '{s.UpstreamUrl}')");
        }

        if (Names.Problem("namespace", s.Namespace) is { } badNamespace)
        {
            return Fail(badNamespace);
        }

        var path = s.Path?.Trim().Trim('/');
        if (!string.IsNullOrEmpty(path) && (path.Contains('\\', StringComparison.Ordinal) || path.Split('/').Any(p => p is "" or "." or ".." || p.StartsWith('-'))))
        {
            return Fail($"'path' must be a relative directory in the repository, like packages/tool (got '{s.Path}')");
        }

        var name = s.Name?.Trim() ?? "";
        var tagPattern = s.TagPattern?.Trim();
        if (s.Kind == TerraformModuleGit)
        {
            if ((Names.Problem("name", s.ModuleName) ?? Names.Problem("system", s.System)) is { } badModule)
            {
                return Fail(badModule);
            }

            tagPattern = string.IsNullOrEmpty(tagPattern) ? "v*" : tagPattern;
            if (!TagPatternRule().IsMatch(tagPattern))
            {
                return Fail($"'tag_pattern' must be a tag name with at most one '*', like v* or release-* (got '{s.TagPattern}')");
            }

            name = $"{s.Namespace}/{s.ModuleName}/{s.System}";
        }

        name = name.Length == 0 ? url : name;
        if (name.Length > 300 || name.Any(char.IsControl))
        {
            return Fail("'name' must be 1-300 printable characters");
        }

        var interval = s.IntervalMinutes == 0 ? DefaultIntervalMinutes : s.IntervalMinutes;
        if (interval is < 1 or > MaxIntervalMinutes)
        {
            return Fail($"'interval_minutes' must be 1 to {MaxIntervalMinutes} (got {s.IntervalMinutes})");
        }

        return (new MirrorSettings(s.Kind, name, url, "", [], null, [], interval, false, s.AllowInsecure, s.Namespace, string.IsNullOrEmpty(path) ? null : path,
            s.Kind == TerraformModuleGit ? s.ModuleName : null, s.Kind == TerraformModuleGit ? s.System : null, s.Kind == TerraformModuleGit ? tagPattern : null), null);
    }

    private static (MirrorSettings? Settings, string? Error) NormalizeComposerRepository(MirrorSettings s)
    {
        if (!Uri.TryCreate(s.UpstreamUrl?.Trim(), UriKind.Absolute, out var upstream)
            || (upstream.Scheme != Uri.UriSchemeHttps && upstream.Scheme != Uri.UriSchemeHttp)
            || upstream.UserInfo.Length > 0 || upstream.Query.Length > 0 || upstream.Fragment.Length > 0)
        {
            return Fail($"'upstream_url' must be an absolute https URL of a Composer repository, e.g. https://repo.packagist.org (got '{s.UpstreamUrl}')");
        }

        if (upstream.Scheme == Uri.UriSchemeHttp && !s.AllowInsecure)
        {
            return Fail("'upstream_url' is plain http; use https, or set \"allow_insecure\": true");
        }

        var packages = (s.Packages ?? []).Select(p => p?.Trim().ToLowerInvariant() ?? "").Distinct().ToArray();
        if (packages.Length is 0 or > 1000)
        {
            return Fail("'packages' must list 1 to 1000 packages, as \"vendor/name\" or \"vendor/*\" (or [\"*\"] for every package of the upstream, lazy mode only)");
        }

        if (packages.FirstOrDefault(p => p != MirrorKinds.EveryPackage && !ComposerPattern().IsMatch(p)) is { } badPackage)
        {
            return Fail($"'packages' entry '{badPackage}' is not \"vendor/name\", \"vendor/*\" or \"*\"");
        }

        var mode = string.IsNullOrWhiteSpace(s.Mode) ? "lazy" : s.Mode.Trim().ToLowerInvariant();
        if (mode is not ("lazy" or "eager"))
        {
            return Fail($"'mode' must be lazy (fetch on first request) or eager (fetch everything on each sync) (got '{s.Mode}')");
        }

        if (packages.Contains(MirrorKinds.EveryPackage))
        {
            if (mode == "eager")
            {
                return Fail("'packages': \"*\" (every package of the upstream) works in lazy mode only; an eager mirror needs a list of packages or vendor/* patterns");
            }

            // Every package: the other entries add nothing.
            packages = [MirrorKinds.EveryPackage];
        }

        var userAgent = string.IsNullOrWhiteSpace(s.UserAgent) ? null : s.UserAgent.Trim();
        if (userAgent is not null && (userAgent.Length > 200 || userAgent.Any(char.IsControl)))
        {
            return Fail("'user_agent' must be up to 200 printable characters");
        }

        var name = s.Name?.Trim() ?? "";
        if (name.Length is 0 or > 100 || name.Any(char.IsControl))
        {
            return Fail("'name' must be 1-100 printable characters");
        }

        var interval = s.IntervalMinutes == 0 ? DefaultIntervalMinutes : s.IntervalMinutes;
        if (interval is < 1 or > MaxIntervalMinutes)
        {
            return Fail($"'interval_minutes' must be 1 to {MaxIntervalMinutes} (got {s.IntervalMinutes})");
        }

        return (new MirrorSettings(MirrorKinds.ComposerRepository, name, upstream.AbsoluteUri.TrimEnd('/'), "", [], null, [], interval, false, s.AllowInsecure,
            Packages: packages, Mode: mode, UserAgent: userAgent), null);
    }

    private static (MirrorSettings? Settings, string? Error) NormalizeProviders(MirrorSettings s)
    {
        var name = s.Name?.Trim() ?? "";
        if (name.Length is 0 or > 100 || name.Any(char.IsControl))
        {
            return Fail("'name' must be 1-100 printable characters");
        }

        if (!Uri.TryCreate(s.UpstreamUrl?.Trim(), UriKind.Absolute, out var upstream)
            || (upstream.Scheme != Uri.UriSchemeHttps && upstream.Scheme != Uri.UriSchemeHttp)
            || upstream.UserInfo.Length > 0 || upstream.Query.Length > 0 || upstream.Fragment.Length > 0)
        {
            return Fail($"'upstream_url' must be an absolute https URL without credentials or query, e.g. https://registry.terraform.io (got '{s.UpstreamUrl}')");
        }

        if (upstream.Scheme == Uri.UriSchemeHttp && !s.AllowInsecure)
        {
            return Fail("'upstream_url' is plain http; use https, or set \"allow_insecure\": true");
        }

        var hostname = string.IsNullOrWhiteSpace(s.Hostname) ? upstream.Host : s.Hostname.Trim().ToLowerInvariant();
        if (!HostnamePattern().IsMatch(hostname))
        {
            return Fail($"'hostname' must be a host name like registry.terraform.io (got '{s.Hostname}')");
        }

        if (s.Providers is null || s.Providers.Length is 0 or > 500)
        {
            return Fail("'providers' must list 1 to 500 providers, as \"namespace/type\" or \"namespace/*\"");
        }

        var providers = s.Providers.Select(p => p?.Trim().ToLowerInvariant() ?? "").Distinct().ToArray();
        if (providers.FirstOrDefault(p => ProviderPattern.Parse(p) is null) is { } badProvider)
        {
            return Fail($"'providers' entry '{badProvider}' is not \"namespace/type\" or \"namespace/*\"");
        }

        if (!VersionConstraint.TryParse(s.Versions, out _, out var versionError))
        {
            return Fail($"'versions': {versionError}");
        }

        var platforms = (s.Platforms ?? []).Select(p => p?.Trim().ToLowerInvariant() ?? "").Distinct().ToArray();
        if (platforms.FirstOrDefault(p => p.Split('_') is not [var os, var arch] || !ProviderArchive.IsKnownPlatform(os, arch)) is { } badPlatform)
        {
            return Fail($"'platforms' entry '{badPlatform}' is not a Terraform platform like linux_amd64 or darwin_arm64");
        }

        var interval = s.IntervalMinutes == 0 ? DefaultIntervalMinutes : s.IntervalMinutes;
        if (interval is < 1 or > MaxIntervalMinutes)
        {
            return Fail($"'interval_minutes' must be 1 to {MaxIntervalMinutes} (got {s.IntervalMinutes})");
        }

        var versions = string.IsNullOrWhiteSpace(s.Versions) ? null : s.Versions.Trim();
        return (new MirrorSettings(s.Kind, name, upstream.AbsoluteUri.TrimEnd('/'), hostname, providers, versions, platforms, interval, s.PullThrough, s.AllowInsecure), null);
    }

    private static (MirrorSettings?, string?) Fail(string error) => (null, error);

    [GeneratedRegex(@"^[a-z0-9]([_.-]?[a-z0-9]+)*/(\*|[a-z0-9](([_.]|-{1,2})?[a-z0-9]+)*)$", RegexOptions.CultureInvariant)]
    private static partial Regex ComposerPattern();

    [GeneratedRegex(@"^[A-Za-z0-9._/-]*\*?[A-Za-z0-9._/-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPatternRule();

    [GeneratedRegex(@"^(?=.{1,253}(:\d{1,5})?$)[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?)*(:\d{1,5})?$", RegexOptions.CultureInvariant)]
    private static partial Regex HostnamePattern();
}

/// <summary>A provider selector: <c>namespace/type</c>, or <c>namespace/*</c> for every type the upstream lists.</summary>
public sealed record ProviderPattern(string Namespace, string? Type)
{
    public bool IsWildcard => Type is null;

    public static ProviderPattern? Parse(string text) =>
        text.Split('/') is [var ns, var type] && Names.IsValidSegment(ns) && (type == "*" || Names.IsValidSegment(type))
            ? new ProviderPattern(ns, type == "*" ? null : type)
            : null;

    public bool Matches(string ns, string type) => Namespace == ns && (Type is null || Type == type);

    public static bool AnyMatches(IEnumerable<string> patterns, string ns, string type) =>
        patterns.Select(Parse).Any(p => p is not null && p.Matches(ns, type));
}
