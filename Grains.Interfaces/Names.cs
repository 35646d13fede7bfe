using System.Text.RegularExpressions;

namespace OrleansRegistry;

/// <summary>Validation of the names that become grain keys and URL segments.</summary>
public static partial class Names
{
    /// <summary>Namespaces, module names and systems: lower-case letters, digits, '-' and '_', 1–64 chars, starting alphanumeric.</summary>
    public static bool IsValidSegment(string? value) => value is not null && SegmentPattern().IsMatch(value);

    public static string? Problem(string field, string? value) =>
        IsValidSegment(value)
            ? null
            : $"'{field}' must be 1-64 characters of lower-case letters, digits, '-' or '_', starting with a letter or digit (got '{value}')";

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex SegmentPattern();
}
