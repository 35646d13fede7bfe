using System.Text.RegularExpressions;
using OrleansRegistry.Terraform;
using OrleansRegistry.Versions;

namespace OrleansRegistry.Mirroring;

/// <summary>The rules of a <c>terraform-providers</c> mirror: an http(s) registry, providers, versions and platforms.</summary>
public static partial class ProviderMirrorRules
{
    public static (MirrorSettings? Settings, string? Error) Normalize(MirrorSettings s, ProviderMirrorSettings p)
    {
        var name = s.Name?.Trim() ?? "";
        if (name.Length is 0 or > 100 || name.Any(char.IsControl))
        {
            return MirrorSettingsRules.Fail("'name' must be 1-100 printable characters");
        }

        if (!Uri.TryCreate(s.UpstreamUrl?.Trim(), UriKind.Absolute, out var upstream)
            || (upstream.Scheme != Uri.UriSchemeHttps && upstream.Scheme != Uri.UriSchemeHttp)
            || upstream.UserInfo.Length > 0 || upstream.Query.Length > 0 || upstream.Fragment.Length > 0)
        {
            return MirrorSettingsRules.Fail($"'upstream_url' must be an absolute https URL without credentials or query, e.g. https://registry.terraform.io (got '{s.UpstreamUrl}')");
        }

        if (upstream.Scheme == Uri.UriSchemeHttp && !s.AllowInsecure)
        {
            return MirrorSettingsRules.Fail("'upstream_url' is plain http; use https, or set \"allow_insecure\": true");
        }

        var hostname = string.IsNullOrWhiteSpace(p.Hostname) ? upstream.Host : p.Hostname.Trim().ToLowerInvariant();
        if (!HostnamePattern().IsMatch(hostname))
        {
            return MirrorSettingsRules.Fail($"'hostname' must be a host name like registry.terraform.io (got '{p.Hostname}')");
        }

        if (p.Providers is null || p.Providers.Length is 0 or > 500)
        {
            return MirrorSettingsRules.Fail("'providers' must list 1 to 500 providers, as \"namespace/type\" or \"namespace/*\"");
        }

        var providers = p.Providers.Select(x => x?.Trim().ToLowerInvariant() ?? "").Distinct().ToArray();
        if (providers.FirstOrDefault(x => ProviderPattern.Parse(x) is null) is { } badProvider)
        {
            return MirrorSettingsRules.Fail($"'providers' entry '{badProvider}' is not \"namespace/type\" or \"namespace/*\"");
        }

        if (!VersionConstraint.TryParse(p.Versions, out _, out var versionError))
        {
            return MirrorSettingsRules.Fail($"'versions': {versionError}");
        }

        var platforms = (p.Platforms ?? []).Select(x => x?.Trim().ToLowerInvariant() ?? "").Distinct().ToArray();
        if (platforms.FirstOrDefault(x => x.Split('_') is not [var os, var arch] || !ProviderArchive.IsKnownPlatform(os, arch)) is { } badPlatform)
        {
            return MirrorSettingsRules.Fail($"'platforms' entry '{badPlatform}' is not a Terraform platform like linux_amd64 or darwin_arm64");
        }

        var (interval, intervalError) = MirrorSettingsRules.Interval(s.IntervalMinutes);
        if (intervalError is not null)
        {
            return MirrorSettingsRules.Fail(intervalError);
        }

        var versions = string.IsNullOrWhiteSpace(p.Versions) ? null : p.Versions.Trim();
        return (new MirrorSettings(name, upstream.AbsoluteUri.TrimEnd('/'), interval, s.AllowInsecure,
            new ProviderMirrorSettings(hostname, providers, versions, platforms, p.PullThrough)), null);
    }

    [GeneratedRegex(@"^(?=.{1,253}(:\d{1,5})?$)[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?)*(:\d{1,5})?$", RegexOptions.CultureInvariant)]
    private static partial Regex HostnamePattern();
}
