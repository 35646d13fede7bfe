namespace OrleansRegistry.Versions;

/// <summary>Finding a stored version the way Terraform compares them: by precedence, so build metadata does not count.</summary>
public static class Precedence
{
    /// <summary>The version of equal precedence: <c>1.0.0</c> finds <c>1.0.0+build.1</c>. Keys are the versions as stored.</summary>
    public static TRecord? Find<TRecord>(IReadOnlyDictionary<string, TRecord> versions, SemanticVersion version) where TRecord : class =>
        versions.GetValueOrDefault(version.ToString())
        ?? versions.FirstOrDefault(v => SemanticVersion.TryParse(v.Key, out var stored, out _) && stored.CompareTo(version) == 0).Value;

    /// <summary>As <see cref="Find{TRecord}(IReadOnlyDictionary{string, TRecord}, SemanticVersion)"/>; null for text that is no version.</summary>
    public static TRecord? Find<TRecord>(IReadOnlyDictionary<string, TRecord> versions, string version) where TRecord : class =>
        SemanticVersion.TryParse(version, out var parsed, out _) ? Find(versions, parsed) : null;
}
