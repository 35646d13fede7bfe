namespace OrleansRegistry.Composer;

/// <summary>Orders normalized versions as Composer does for display: numeric parts, then stability.</summary>
public sealed class ComposerVersionComparer : IComparer<string>
{
    public static readonly ComposerVersionComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return string.CompareOrdinal(x, y);
        }

        var (xNumbers, xSuffix) = Split(x);
        var (yNumbers, ySuffix) = Split(y);
        for (var i = 0; i < Math.Max(xNumbers.Length, yNumbers.Length); i++)
        {
            var c = (i < xNumbers.Length ? xNumbers[i] : 0).CompareTo(i < yNumbers.Length ? yNumbers[i] : 0);
            if (c != 0)
            {
                return c;
            }
        }

        var rank = Rank(xSuffix).CompareTo(Rank(ySuffix));
        return rank != 0 ? rank : string.CompareOrdinal(xSuffix, ySuffix);
    }

    private static (long[] Numbers, string Suffix) Split(string version)
    {
        if (version.StartsWith("dev-", StringComparison.Ordinal))
        {
            return ([], version);
        }

        var dash = version.IndexOf('-', StringComparison.Ordinal);
        var core = dash < 0 ? version : version[..dash];
        var numbers = core.Split('.').Select(p => long.TryParse(p, out var n) ? n : 0).ToArray();
        return (numbers, dash < 0 ? "" : version[(dash + 1)..]);
    }

    // dev < alpha < beta < RC < stable (no suffix) < patch.
    private static int Rank(string suffix) =>
        suffix.StartsWith("dev", StringComparison.OrdinalIgnoreCase) ? 0
        : suffix.EndsWith("dev", StringComparison.OrdinalIgnoreCase) ? 0
        : suffix.StartsWith("alpha", StringComparison.OrdinalIgnoreCase) ? 1
        : suffix.StartsWith("beta", StringComparison.OrdinalIgnoreCase) ? 2
        : suffix.StartsWith("RC", StringComparison.OrdinalIgnoreCase) ? 3
        : suffix.Length == 0 ? 4
        : 5;
}
