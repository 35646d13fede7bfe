using System.Security.Cryptography;
using System.Text.Json;
using OrleansRegistry.Caching;

namespace OrleansRegistry.Composer;

public sealed class ComposerCatalogState
{
    public SortedSet<string> Packages { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Package patterns served by composer-repository mirrors.</summary>
    public string[] MirroredPatterns { get; set; } = [];
    public DateTimeOffset ChangedAt { get; set; }
}

/// <summary>
/// Every Composer package name, maintained by the package grains when their first version appears or their last
/// one goes. Serves packages.json as precomputed bytes, one rendering per vendor set (cleared on change).
/// </summary>
[GrainType("composer-catalog")]
public sealed class ComposerCatalogGrain(
    [PersistentState("composer-catalog", RegistryStorage.Name)] IPersistentState<ComposerCatalogState> state,
    TimeProvider clock,
    DocumentHolders holders) : Grain, IComposerCatalogGrain
{
    private const int MaxRenderings = 256;
    private readonly Dictionary<string, ProtocolDocument> _rendered = new(StringComparer.Ordinal);

    public async Task Add(string package)
    {
        if (state.State.Packages.Add(package))
        {
            await ChangedAsync();
        }
    }

    public async Task Remove(string package)
    {
        if (state.State.Packages.Remove(package))
        {
            await ChangedAsync();
        }
    }

    public async Task SetMirroredPatterns(string[] patterns)
    {
        if (!patterns.SequenceEqual(state.State.MirroredPatterns))
        {
            state.State.MirroredPatterns = patterns;
            await ChangedAsync();
        }
    }

    public Task<ProtocolDocument> GetPackagesJson(string[]? vendors, IDocumentHolder? holder)
    {
        var key = vendors is null ? "*" : string.Join(',', vendors.Order(StringComparer.Ordinal));
        if (!_rendered.TryGetValue(key, out var document))
        {
            if (_rendered.Count >= MaxRenderings)
            {
                _rendered.Clear();
            }

            var visible = vendors is null
                ? state.State.Packages
                : state.State.Packages.Where(p => vendors.Contains(p[..p.IndexOf('/', StringComparison.Ordinal)], StringComparer.Ordinal));
            var patterns = state.State.MirroredPatterns.Where(p => vendors is null || vendors.Contains(p[..p.IndexOf('/', StringComparison.Ordinal)], StringComparer.Ordinal));
            document = Render(visible, patterns, state.State.ChangedAt);
            _rendered[key] = document;
        }

        holders.Remember(holder);
        return Task.FromResult(document);
    }

    private async Task ChangedAsync()
    {
        state.State.ChangedAt = clock.GetUtcNow();
        _rendered.Clear();
        await state.WriteStateAsync();
        await holders.DropAsync(this.GetGrainId());
    }

    private static ProtocolDocument Render(IEnumerable<string> packages, IEnumerable<string> mirroredPatterns, DateTimeOffset changedAt)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("packages");
            json.WriteEndArray();
            json.WriteString("metadata-url", "/p2/%package%.json");
            json.WriteStartArray("available-packages");
            foreach (var package in packages)
            {
                json.WriteStringValue(package);
            }

            json.WriteEndArray();

            // Composer asks a repository that lists available packages only for those: mirrored ones go as patterns.
            var patterns = mirroredPatterns.ToList();
            if (patterns.Count > 0)
            {
                json.WriteStartArray("available-package-patterns");
                patterns.ForEach(json.WriteStringValue);
                json.WriteEndArray();
            }
            json.WriteString("notify-batch", "/downloads");
            json.WriteString("list", "/packages/list.json");
            json.WriteString("search", "/search.json?q=%query%&type=%type%");
            json.WriteEndObject();
        }

        var body = buffer.ToArray();
        return new ProtocolDocument(body, $"\"{Convert.ToHexStringLower(SHA256.HashData(body))[..32]}\"", changedAt);
    }
}
