using System.Text.Json;

namespace OrleansRegistry.WebFrontend.Ui.Pages.Composer;

/// <summary>What the package page shows of one version's composer.json.</summary>
public sealed record ComposerManifestView(
    string? Description,
    string? Type,
    string[] Licenses,
    string? Homepage,
    KeyValuePair<string, string>[] Require,
    KeyValuePair<string, string>[] RequireDev)
{
    public static ComposerManifestView Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new ComposerManifestView(
            Text(root, "description"),
            Text(root, "type"),
            root.TryGetProperty("license", out var license)
                ? license.ValueKind == JsonValueKind.Array ? [.. license.EnumerateArray().Where(l => l.ValueKind == JsonValueKind.String).Select(l => l.GetString()!)]
                : license.ValueKind == JsonValueKind.String ? [license.GetString()!] : []
                : [],
            Text(root, "homepage") is { } homepage && Uri.TryCreate(homepage, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" ? homepage : null,
            Links(root, "require"),
            Links(root, "require-dev"));
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static KeyValuePair<string, string>[] Links(JsonElement root, string name) =>
        root.TryGetProperty(name, out var links) && links.ValueKind == JsonValueKind.Object
            ? [.. links.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText()))]
            : [];
}
