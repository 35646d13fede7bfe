using System.Diagnostics.CodeAnalysis;
using Semver;

namespace OrleansRegistry.Versions;

/// <summary>
/// A Semantic Versioning 2.0.0 version as Terraform uses it, over Semver's <see cref="SemVersion"/>. A leading 'v'
/// (<c>v1.2.3</c>) is accepted and normalized away, because Terraform's protocols carry versions without it. Order is
/// semver precedence (build metadata ignored); equality includes build metadata, as two such versions are distinct strings.
/// </summary>
public sealed class SemanticVersion : IComparable<SemanticVersion>, IEquatable<SemanticVersion>
{
    private const SemVersionStyles Styles = SemVersionStyles.Strict | SemVersionStyles.AllowV;

    private readonly SemVersion _version;

    private SemanticVersion(SemVersion version) => _version = version;

    public ulong Major => (ulong)_version.Major;
    public ulong Minor => (ulong)_version.Minor;
    public ulong Patch => (ulong)_version.Patch;
    public bool IsPrerelease => _version.IsPrerelease;

    public static bool TryParse(string? text, [NotNullWhen(true)] out SemanticVersion? version, [NotNullWhen(false)] out string? error)
    {
        version = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "version is empty";
            return false;
        }

        // Any length (Semver stops at 1024 characters by default), so every stored version still parses; numbers beyond
        // ulong are refused, as Major, Minor and Patch are ulong.
        if (!SemVersion.TryParse(text, Styles, out var parsed, maxLength: int.MaxValue)
            || parsed.Major > ulong.MaxValue || parsed.Minor > ulong.MaxValue || parsed.Patch > ulong.MaxValue)
        {
            error = Describe(text);
            return false;
        }

        version = new SemanticVersion(parsed);
        error = null;
        return true;
    }

    public override string ToString() => _version.ToString();

    public int CompareTo(SemanticVersion? other) => other is null ? 1 : _version.ComparePrecedenceTo(other._version);

    public bool Equals(SemanticVersion? other) => other is not null && _version.Equals(other._version);

    public override bool Equals(object? obj) => obj is SemanticVersion v && Equals(v);

    public override int GetHashCode() => _version.GetHashCode();

    public static bool operator <(SemanticVersion a, SemanticVersion b) => a.CompareTo(b) < 0;
    public static bool operator >(SemanticVersion a, SemanticVersion b) => a.CompareTo(b) > 0;
    public static bool operator <=(SemanticVersion a, SemanticVersion b) => a.CompareTo(b) <= 0;
    public static bool operator >=(SemanticVersion a, SemanticVersion b) => a.CompareTo(b) >= 0;
    public static bool operator ==(SemanticVersion? a, SemanticVersion? b) => a is null ? b is null : a.Equals(b);
    public static bool operator !=(SemanticVersion? a, SemanticVersion? b) => !(a == b);

    /// <summary>
    /// Which part of a rejected version is at fault: the build metadata, else the pre-release part, else the core.
    /// Semver only says that a version does not parse, so each part is tried on its own behind a valid core.
    /// </summary>
    private static string Describe(string text)
    {
        var plus = text.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0 && !SemVersion.TryParse("0.0.0+" + text[(plus + 1)..], Styles, out _, maxLength: int.MaxValue))
        {
            return $"'{text}' has invalid build metadata";
        }

        var beforeBuild = plus >= 0 ? text[..plus] : text;
        var dash = beforeBuild.IndexOf('-', StringComparison.Ordinal);
        if (dash >= 0 && !SemVersion.TryParse("0.0.0-" + beforeBuild[(dash + 1)..], Styles, out _, maxLength: int.MaxValue))
        {
            return $"'{text}' has an invalid pre-release part";
        }

        return $"'{text}' is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.2.3 or 1.2.3-rc.1)";
    }
}
