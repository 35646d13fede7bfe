using OrleansRegistry.Mirroring.Upstream;
using OrleansRegistry.Versions;

namespace OrleansRegistry.Mirroring;

/// <summary>What a provider mirror takes from its upstream: its providers, versions and platforms, with filters parsed.</summary>
public sealed class ProviderSelection(ProviderMirrorSettings settings)
{
    private readonly VersionConstraint _versions = VersionConstraint.TryParse(settings.Versions, out var parsed, out _) ? parsed : VersionConstraint.Any;

    /// <summary>The provider grain of a mirrored provider: <c>hostname/namespace/type</c>.</summary>
    public string ProviderKey(string ns, string type) => $"{settings.Hostname}/{ns}/{type}";

    public bool Covers(string ns, string type) => ProviderPattern.AnyMatches(settings.Providers, ns, type);

    /// <summary>The upstream versions the filters select, newest first, each with the platforms to take.</summary>
    public List<(string Version, string[] Protocols, string[] Platforms)> Select(IEnumerable<UpstreamVersion> offered)
    {
        var parsed = offered
            .Select(v => (Offer: v, Parsed: SemanticVersion.TryParse(v.Version, out var p, out _) ? p : null))
            .Where(v => v.Parsed is not null)
            .ToList();
        var selected = _versions.Select(parsed.Select(v => v.Parsed!)).ToHashSet();
        return
        [
            .. parsed
                .Where(v => selected.Contains(v.Parsed!))
                .OrderByDescending(v => v.Parsed)
                .Select(v => (v.Parsed!.ToString(), v.Offer.Protocols, PlatformsOf(v.Offer)))
                .Where(v => v.Item3.Length > 0),
        ];
    }

    private string[] PlatformsOf(UpstreamVersion version) =>
        settings.Platforms.Length == 0 ? version.Platforms : [.. version.Platforms.Where(settings.Platforms.Contains)];
}
