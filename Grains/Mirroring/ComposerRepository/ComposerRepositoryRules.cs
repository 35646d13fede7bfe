using System.Text.RegularExpressions;

namespace OrleansRegistry.Mirroring.ComposerRepository;

/// <summary>The rules of a <c>composer-repository</c> mirror: an http(s) repository, package patterns and a mode.</summary>
public static partial class ComposerRepositoryRules
{
    public static (MirrorSettings? Settings, string? Error) Normalize(MirrorSettings s, ComposerRepositoryMirrorSettings c)
    {
        if (!Uri.TryCreate(s.UpstreamUrl?.Trim(), UriKind.Absolute, out var upstream)
            || (upstream.Scheme != Uri.UriSchemeHttps && upstream.Scheme != Uri.UriSchemeHttp)
            || upstream.UserInfo.Length > 0 || upstream.Query.Length > 0 || upstream.Fragment.Length > 0)
        {
            return MirrorSettingsRules.Fail($"'upstream_url' must be an absolute https URL of a Composer repository, e.g. https://repo.packagist.org (got '{s.UpstreamUrl}')");
        }

        if (upstream.Scheme == Uri.UriSchemeHttp && !s.AllowInsecure)
        {
            return MirrorSettingsRules.Fail("'upstream_url' is plain http; use https, or set \"allow_insecure\": true");
        }

        var packages = (c.Packages ?? []).Select(p => p?.Trim().ToLowerInvariant() ?? "").Distinct().ToArray();
        if (packages.Length is 0 or > 1000)
        {
            return MirrorSettingsRules.Fail("'packages' must list 1 to 1000 packages, as \"vendor/name\" or \"vendor/*\" (or [\"*\"] for every package of the upstream, lazy mode only)");
        }

        if (packages.FirstOrDefault(p => p != MirrorKinds.EveryPackage && !ComposerPattern().IsMatch(p)) is { } badPackage)
        {
            return MirrorSettingsRules.Fail($"'packages' entry '{badPackage}' is not \"vendor/name\", \"vendor/*\" or \"*\"");
        }

        var mode = string.IsNullOrWhiteSpace(c.Mode) ? "lazy" : c.Mode.Trim().ToLowerInvariant();
        if (mode is not ("lazy" or "eager"))
        {
            return MirrorSettingsRules.Fail($"'mode' must be lazy (fetch on first request) or eager (fetch everything on each sync) (got '{c.Mode}')");
        }

        if (packages.Contains(MirrorKinds.EveryPackage))
        {
            if (mode == "eager")
            {
                return MirrorSettingsRules.Fail("'packages': \"*\" (every package of the upstream) works in lazy mode only; an eager mirror needs a list of packages or vendor/* patterns");
            }

            // Every package: the other entries add nothing.
            packages = [MirrorKinds.EveryPackage];
        }

        var userAgent = string.IsNullOrWhiteSpace(c.UserAgent) ? null : c.UserAgent.Trim();
        if (userAgent is not null && (userAgent.Length > 200 || userAgent.Any(char.IsControl)))
        {
            return MirrorSettingsRules.Fail("'user_agent' must be up to 200 printable characters");
        }

        var name = s.Name?.Trim() ?? "";
        if (name.Length is 0 or > 100 || name.Any(char.IsControl))
        {
            return MirrorSettingsRules.Fail("'name' must be 1-100 printable characters");
        }

        var (interval, intervalError) = MirrorSettingsRules.Interval(s.IntervalMinutes);
        return intervalError is null
            ? (new MirrorSettings(name, upstream.AbsoluteUri.TrimEnd('/'), interval, s.AllowInsecure, new ComposerRepositoryMirrorSettings(packages, mode, userAgent)), null)
            : MirrorSettingsRules.Fail(intervalError);
    }

    [GeneratedRegex(@"^[a-z0-9]([_.-]?[a-z0-9]+)*/(\*|[a-z0-9](([_.]|-{1,2})?[a-z0-9]+)*)$", RegexOptions.CultureInvariant)]
    private static partial Regex ComposerPattern();
}
