using System.Diagnostics.CodeAnalysis;

namespace OrleansRegistry.Versions;

/// <summary>
/// A Semantic Versioning 2.0.0 version as Terraform uses it. A leading 'v' (<c>v1.2.3</c>) is accepted and
/// normalized away, because Terraform's protocols carry versions without it.
/// </summary>
public sealed class SemanticVersion : IComparable<SemanticVersion>, IEquatable<SemanticVersion>
{
    private SemanticVersion(ulong major, ulong minor, ulong patch, string[] prerelease, string? build)
    {
        Major = major;
        Minor = minor;
        Patch = patch;
        Prerelease = prerelease;
        Build = build;
    }

    public ulong Major { get; }
    public ulong Minor { get; }
    public ulong Patch { get; }
    public IReadOnlyList<string> Prerelease { get; }
    public string? Build { get; }
    public bool IsPrerelease => Prerelease.Count > 0;

    public static bool TryParse(string? text, [NotNullWhen(true)] out SemanticVersion? version, [NotNullWhen(false)] out string? error)
    {
        version = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "version is empty";
            return false;
        }

        var s = text.Length > 1 && (text[0] == 'v' || text[0] == 'V') && char.IsAsciiDigit(text[1]) ? text[1..] : text;
        string? build = null;
        var plus = s.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            build = s[(plus + 1)..];
            s = s[..plus];
            if (!AreIdentifiers(build.Split('.'), numericRules: false))
            {
                error = $"'{text}' has invalid build metadata";
                return false;
            }
        }

        string[] prerelease = [];
        var dash = s.IndexOf('-', StringComparison.Ordinal);
        if (dash >= 0)
        {
            prerelease = s[(dash + 1)..].Split('.');
            s = s[..dash];
            if (!AreIdentifiers(prerelease, numericRules: true))
            {
                error = $"'{text}' has an invalid pre-release part";
                return false;
            }
        }

        var core = s.Split('.');
        if (core.Length != 3 || !TryNumber(core[0], out var major) || !TryNumber(core[1], out var minor) || !TryNumber(core[2], out var patch))
        {
            error = $"'{text}' is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.2.3 or 1.2.3-rc.1)";
            return false;
        }

        version = new SemanticVersion(major, minor, patch, prerelease, build);
        error = null;
        return true;
    }

    public override string ToString()
    {
        var text = $"{Major}.{Minor}.{Patch}";
        if (IsPrerelease)
        {
            text += "-" + string.Join('.', Prerelease);
        }

        return Build is null ? text : $"{text}+{Build}";
    }

    public int CompareTo(SemanticVersion? other)
    {
        if (other is null)
        {
            return 1;
        }

        var c = Major.CompareTo(other.Major);
        if (c == 0) c = Minor.CompareTo(other.Minor);
        if (c == 0) c = Patch.CompareTo(other.Patch);
        if (c != 0) return c;
        if (!IsPrerelease || !other.IsPrerelease) return other.IsPrerelease.CompareTo(IsPrerelease);
        for (var i = 0; i < Math.Min(Prerelease.Count, other.Prerelease.Count); i++)
        {
            c = ComparePrereleaseIdentifier(Prerelease[i], other.Prerelease[i]);
            if (c != 0) return c;
        }

        return Prerelease.Count.CompareTo(other.Prerelease.Count);
    }

    // Build metadata does not take part in precedence, but two versions differing only by it are distinct strings.
    public bool Equals(SemanticVersion? other) => other is not null && ToString() == other.ToString();

    public override bool Equals(object? obj) => obj is SemanticVersion v && Equals(v);

    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    public static bool operator <(SemanticVersion a, SemanticVersion b) => a.CompareTo(b) < 0;
    public static bool operator >(SemanticVersion a, SemanticVersion b) => a.CompareTo(b) > 0;
    public static bool operator <=(SemanticVersion a, SemanticVersion b) => a.CompareTo(b) <= 0;
    public static bool operator >=(SemanticVersion a, SemanticVersion b) => a.CompareTo(b) >= 0;
    public static bool operator ==(SemanticVersion? a, SemanticVersion? b) => a is null ? b is null : a.Equals(b);
    public static bool operator !=(SemanticVersion? a, SemanticVersion? b) => !(a == b);

    private static int ComparePrereleaseIdentifier(string a, string b)
    {
        var aNumeric = ulong.TryParse(a, out var an);
        var bNumeric = ulong.TryParse(b, out var bn);
        return (aNumeric, bNumeric) switch
        {
            (true, true) => an.CompareTo(bn),
            (true, false) => -1,
            (false, true) => 1,
            _ => string.CompareOrdinal(a, b),
        };
    }

    private static bool TryNumber(string s, out ulong value)
    {
        value = 0;
        return s.Length > 0 && (s.Length == 1 || s[0] != '0') && s.All(char.IsAsciiDigit) && ulong.TryParse(s, out value);
    }

    private static bool AreIdentifiers(string[] identifiers, bool numericRules) =>
        identifiers.All(id => id.Length > 0
            && id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            && (!numericRules || !id.All(char.IsAsciiDigit) || id.Length == 1 || id[0] != '0'));
}
