namespace OrleansRegistry.Storage;

public static class ArtifactKeys
{
    /// <summary>Rejects keys that could escape the store: absolute, empty segments, '.', '..', backslashes.</summary>
    public static void Validate(string key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > 1024 || key.Contains('\\', StringComparison.Ordinal) || key.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"invalid artifact key '{key}'", nameof(key));
        }

        foreach (var segment in key.Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
            {
                throw new ArgumentException($"invalid artifact key '{key}'", nameof(key));
            }
        }
    }
}
