namespace OrleansRegistry.Composer;

/// <summary>Composer's stability of a normalized version (<c>1.2.0.0-beta2</c>, <c>dev-main</c>, <c>1.9999999.9999999.9999999-dev</c>).</summary>
public static class ComposerStability
{
    /// <summary>Dev versions (branches) go to <c>~dev.json</c>; tagged versions to the main file.</summary>
    public static bool IsDev(string normalized) =>
        normalized.StartsWith("dev-", StringComparison.Ordinal) || normalized.EndsWith("-dev", StringComparison.Ordinal);

    /// <summary>dev, alpha, beta, RC or stable.</summary>
    public static string Of(string normalized)
    {
        if (IsDev(normalized))
        {
            return "dev";
        }

        var lower = normalized.ToLowerInvariant();
        return lower.Contains("-alpha", StringComparison.Ordinal) ? "alpha"
            : lower.Contains("-beta", StringComparison.Ordinal) ? "beta"
            : lower.Contains("-rc", StringComparison.Ordinal) ? "RC"
            : "stable";
    }
}
