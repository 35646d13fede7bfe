using System.Text.RegularExpressions;
using OrleansRegistry.Composer;

namespace OrleansRegistry.ApiKeys;

/// <summary>
/// A key's Composer package patterns (<c>acme/*</c>, <c>acme/billing-*</c>): lower-case <c>vendor/name</c> globs whose
/// <c>*</c> matches any run of characters. Here rather than in the frontend because the catalog grains filter
/// packages.json and the read-model listings by the same rules the frontend checks requests with.
/// </summary>
public static partial class PackageGrants
{
    public const int MaxPatterns = 100;
    public const int MaxPatternLength = 200;

    /// <summary>Why <paramref name="patterns"/> (already lower-cased) cannot be a key's patterns; null when they can.</summary>
    public static string? Problem(string[] patterns)
    {
        if (patterns.Length is 0 or > MaxPatterns)
        {
            return $"'package_patterns' must list 1-{MaxPatterns} patterns like \"acme/*\" (leave it out for a key that reaches every package)";
        }

        if (patterns.Any(p => p is null))
        {
            return "'package_patterns' must list patterns (strings), not null";
        }

        return patterns.FirstOrDefault(p => !IsValid(p)) is { } bad
            ? $"'package_patterns' entry '{bad}' is not a Composer package pattern: \"vendor/name\" in lower case (at most {MaxPatternLength} characters), where '*' matches any run of characters and the vendor is more than '*'"
            : null;
    }

    /// <summary>
    /// Well-formed: every run of <c>*</c> read as one name character gives a valid Composer name, and the vendor part
    /// holds at least one character of its own (a bare <c>*/…</c> would be no limit on vendors at all).
    /// </summary>
    public static bool IsValid(string? pattern)
    {
        if (pattern is null || pattern.Length > MaxPatternLength)
        {
            return false;
        }

        var slash = pattern.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || pattern.AsSpan(0, slash).Trim('*').IsEmpty)
        {
            return false;
        }

        return ComposerNames.IsValid(Stars().Replace(pattern, "x"));
    }

    /// <summary>True when <paramref name="patterns"/> is null (no limit) or one of them matches <paramref name="package"/>.</summary>
    public static bool Allows(string[]? patterns, string package)
    {
        if (patterns is null)
        {
            return true;
        }

        foreach (var pattern in patterns)
        {
            if (Matches(pattern, package))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when every package <paramref name="inner"/> matches is also matched by one of <paramref name="outer"/>
    /// (null outer: no limit). Each inner pattern must be matched as text by an outer one, its <c>*</c> standing for
    /// itself, so only an outer <c>*</c> can cover it: <c>acme/*</c> covers <c>acme/billing-*</c>, not the reverse.
    /// </summary>
    public static bool Covers(string[]? outer, string[]? inner) =>
        outer is null || (inner is not null && inner.All(i => Allows(outer, i)));

    /// <summary>Glob match: <c>*</c> in <paramref name="pattern"/> matches any run of characters of <paramref name="text"/>.</summary>
    public static bool Matches(string pattern, string text)
    {
        // The usual two-pointer match: on a mismatch, let the last star take one more character.
        int p = 0, t = 0, star = -1, resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (p < pattern.Length && pattern[p] == text[t])
            {
                p++;
                t++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <summary>True when some name matches both globs (used to narrow a mirror's pattern to what a key may see).</summary>
    public static bool Overlaps(string a, string b)
    {
        // seen[i, j]: the suffixes a[i..] and b[j..] were already found to share no name.
        var seen = new bool[a.Length + 1, b.Length + 1];
        return Overlap(a, b, 0, 0, seen);
    }

    private static bool Overlap(string a, string b, int i, int j, bool[,] seen)
    {
        if (seen[i, j])
        {
            return false;
        }

        var result = (i == a.Length, j == b.Length) switch
        {
            (true, true) => true,
            _ when i < a.Length && a[i] == '*' => Overlap(a, b, i + 1, j, seen) || (j < b.Length && Overlap(a, b, i, j + 1, seen)),
            _ when j < b.Length && b[j] == '*' => Overlap(a, b, i, j + 1, seen) || (i < a.Length && Overlap(a, b, i + 1, j, seen)),
            (false, false) => a[i] == b[j] && Overlap(a, b, i + 1, j + 1, seen),
            _ => false,
        };
        seen[i, j] = !result;
        return result;
    }

    /// <summary>The pattern as a PostgreSQL LIKE pattern (escape character backslash).</summary>
    public static string ToLike(string pattern) =>
        pattern.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal).Replace('*', '%');

    [GeneratedRegex(@"\*+", RegexOptions.CultureInvariant)]
    private static partial Regex Stars();
}
