using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace OrleansRegistry.Composer;

/// <summary>Composer's package-name rule: lower-case <c>vendor/package</c>.</summary>
public static partial class ComposerNames
{
    public static bool IsValid([NotNullWhen(true)] string? name) => name is not null && name.Length <= 200 && Pattern().IsMatch(name);

    [GeneratedRegex(@"^[a-z0-9]([_.-]?[a-z0-9]+)*/[a-z0-9](([_.]|-{1,2})?[a-z0-9]+)*$")]
    private static partial Regex Pattern();
}
