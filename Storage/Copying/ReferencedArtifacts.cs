using System.Text.Json;

namespace OrleansRegistry.Storage.Copying;

/// <summary>
/// The artifact keys a registry refers to, found in its grains' stored state: grains keep the keys of their
/// archives, checksums, signatures and READMEs in properties named <c>…Key</c> (<c>StorageKey</c>,
/// <c>Sha256SumsKey</c>, <c>SignatureKey</c>, <c>ReadmeKey</c>), and every key the registry makes starts with one of
/// <see cref="Roots"/>; both must hold, since other settings look like keys (a Git source's <c>Path</c> of
/// <c>modules/net</c>). Reading the state (rather than listing the store) leaves out orphans and probe objects, and
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
        var keyProperty = false;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                keyProperty = reader.GetString()!.EndsWith("Key", StringComparison.OrdinalIgnoreCase);
                continue;
            }

            if (keyProperty && reader.TokenType == JsonTokenType.String && reader.GetString() is { } value && IsKey(value))
            {
                keys.Add(value);
            }

            keyProperty = false;
        }
    }

    private static bool IsKey(string value) =>
        Roots.Any(root => value.StartsWith(root, StringComparison.Ordinal)) && !value.Contains(' ', StringComparison.Ordinal) && ArtifactKeys.IsValid(value);
}
