using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace OrleansRegistry.Composer;

/// <summary>
/// Composer's version normalization (<c>1.2</c> → <c>1.2.0.0</c>, <c>v2.0.1</c> → <c>2.0.1.0</c>,
/// <c>1.0.0-beta2</c> → <c>1.0.0.0-beta2</c>, <c>1.x-dev</c> → <c>1.9999999.9999999.9999999-dev</c>,
/// <c>dev-main</c> → <c>dev-main</c>), following the rules of composer/semver's VersionParser; a test
/// cross-checks it against Composer itself.
/// </summary>
public static partial class ComposerVersion
{
    private const string Modifier = @"[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\d+)*)?)?([.-]?dev)?";

    public static bool TryNormalize(string? text, [NotNullWhen(true)] out string? normalized)
    {
        normalized = null;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 200)
        {
            return false;
        }

        var version = text.Trim();
        if (StabilityFlag().Match(version) is { Success: true } flag)
        {
            version = version[..^flag.Length];
        }

        if (version is "master" or "trunk" or "default")
        {
            version = "dev-" + version;
        }

        if (version.StartsWith("dev-", StringComparison.OrdinalIgnoreCase))
        {
            normalized = "dev-" + version[4..];
            return true;
        }

        if (BuildMetadata().Match(version) is { Success: true } build)
        {
            version = build.Groups[1].Value;
        }

        Match m;
        int index;
        if ((m = Classical().Match(version)).Success)
        {
            version = m.Groups[1].Value
                + (m.Groups[2].Success && m.Groups[2].Length > 0 ? m.Groups[2].Value : ".0")
                + (m.Groups[3].Success && m.Groups[3].Length > 0 ? m.Groups[3].Value : ".0")
                + (m.Groups[4].Success && m.Groups[4].Length > 0 ? m.Groups[4].Value : ".0");
            index = 5;
        }
        else if ((m = DateBased().Match(version)).Success)
        {
            version = NonDigit().Replace(m.Groups[1].Value, ".");
            index = 2;
        }
        else
        {
            // Branches: "1.x-dev", "2.1.x-dev" are numeric branches; anything else is not a valid version.
            if (DevBranch().Match(version) is { Success: true } branch && NormalizeBranch(branch.Groups[1].Value) is { } numeric && !numeric.StartsWith("dev-", StringComparison.Ordinal))
            {
                normalized = numeric;
                return true;
            }

            return false;
        }

        if (m.Groups[index].Success && m.Groups[index].Length > 0)
        {
            if (m.Groups[index].Value == "stable")
            {
                normalized = version;
                return true;
            }

            var number = m.Groups[index + 1].Success ? m.Groups[index + 1].Value.TrimStart('.', '-') : "";
            version += "-" + ExpandStability(m.Groups[index].Value) + number;
        }

        if (m.Groups[index + 2].Success && m.Groups[index + 2].Length > 0)
        {
            version += "-dev";
        }

        normalized = version;
        return true;
    }

    /// <summary>
    /// Git's rules for a branch name (git check-ref-format): <c>feature/x</c> is one, <c>../x</c>, <c>/x</c>, <c>a//b</c>,
    /// <c>.x</c>, <c>x.lock</c>, <c>a..b</c>, <c>a@{b</c> and names with spaces, control or <c>~^:?*[\</c> are not.
    /// </summary>
    public static bool IsBranchName(string name) =>
        name.Length is > 0 and <= 200
        && name != "@"
        && !name.Contains("..", StringComparison.Ordinal)
        && !name.Contains("@{", StringComparison.Ordinal)
        && !name.EndsWith('.')
        && name.All(c => c > ' ' && c != '\x7f' && c is not ('~' or '^' or ':' or '?' or '*' or '[' or '\\'))
        && name.Split('/').All(part => part.Length > 0 && !part.StartsWith('.') && !part.EndsWith(".lock", StringComparison.Ordinal));

    private static string? NormalizeBranch(string name)
    {
        var m = NumericBranch().Match(name.Trim());
        if (!m.Success)
        {
            return "dev-" + name;
        }

        var version = "";
        for (var i = 1; i < 5; i++)
        {
            version += m.Groups[i].Success && m.Groups[i].Length > 0 ? m.Groups[i].Value.Replace('*', 'x').Replace('X', 'x') : ".x";
        }

        return version.Replace("x", "9999999", StringComparison.Ordinal) + "-dev";
    }

    private static string ExpandStability(string stability) => stability.ToLowerInvariant() switch
    {
        "a" => "alpha",
        "b" => "beta",
        "p" or "pl" => "patch",
        "rc" => "RC",
        var other => other,
    };

    [GeneratedRegex(@"@(?:stable|RC|beta|alpha|dev)$", RegexOptions.IgnoreCase)]
    private static partial Regex StabilityFlag();

    [GeneratedRegex(@"^([^,\s+]+)\+[^\s]+$")]
    private static partial Regex BuildMetadata();

    [GeneratedRegex(@"^v?(\d{1,5})(\.\d+)?(\.\d+)?(\.\d+)?" + Modifier + "$", RegexOptions.IgnoreCase)]
    private static partial Regex Classical();

    [GeneratedRegex(@"^v?(\d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3}){0,2})" + Modifier + "$", RegexOptions.IgnoreCase)]
    private static partial Regex DateBased();

    [GeneratedRegex(@"^(.*?)[.-]?dev$", RegexOptions.IgnoreCase)]
    private static partial Regex DevBranch();

    [GeneratedRegex(@"^v?(\d+)(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?$", RegexOptions.IgnoreCase)]
    private static partial Regex NumericBranch();

    [GeneratedRegex(@"\D")]
    private static partial Regex NonDigit();
}
