using System.Text.Json;

namespace OrleansRegistry.Storage.Copying;

/// <summary>
/// The artifact keys a registry refers to, found in its grains' stored state: grains keep the keys of their
/// archives, checksums, signatures and READMEs as strings, and every key the registry makes starts with one of
/// <see cref="Roots"/>. Reading the state (rather than listing the store) leaves out orphans and probe objects, and
/// tells a referenced artifact that is missing from the store.
/// </summary>
public static class ReferencedArtifacts
{
    /// <summary>The top folders of every artifact key the registry makes (uploads, mirrors and Git sources).</summary>
    public static readonly string[] Roots = ["modules/", "providers/", "composer/", "mirrors/", "sources/"];

    /// <summary>Adds to <paramref name="keys"/> every artifact key in one grain state document.</summary>
    public static void CollectFrom(ReadOnlySpan<byte> stateJson, ISet<string> keys)
    {
        var reader = new Utf8JsonReader(stateJson);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.String && reader.GetString() is { } value && IsKey(value))
            {
                keys.Add(value);
            }
        }
    }

    private static bool IsKey(string value)
    {
        if (!Roots.Any(root => value.StartsWith(root, StringComparison.Ordinal)) || value.Contains(' ', StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            ArtifactKeys.Validate(value);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
