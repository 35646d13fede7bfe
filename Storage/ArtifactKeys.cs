namespace OrleansRegistry.Storage;

public static class ArtifactKeys
{
    /// <summary>Rejects keys that could escape the store: absolute, empty segments, '.', '..', backslashes.</summary>
    public static void Validate(string key)
    {
        if (!IsValid(key))
        {
            throw new ArgumentException($"invalid artifact key '{key}'", nameof(key));
        }
    }

    /// <summary>Whether <paramref name="key"/> stays inside the store (see <see cref="Validate"/>).</summary>
    public static bool IsValid(string key) =>
        !string.IsNullOrEmpty(key) && key.Length <= 1024 && !key.Contains('\\', StringComparison.Ordinal) && !key.Contains('\0', StringComparison.Ordinal)
        && key.Split('/').All(segment => segment.Length > 0 && segment != "." && segment != "..");
}
