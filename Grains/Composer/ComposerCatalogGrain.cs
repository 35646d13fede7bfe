using System.Security.Cryptography;
using System.Text.Json;
using OrleansRegistry.ApiKeys;
using OrleansRegistry.Caching;
using OrleansRegistry.Changes;

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
    StateChangeServices changes,
    TimeProvider clock,
    DocumentHolders holders) : Grain, IComposerCatalogGrain
{
    private const int MaxRenderings = 256;
    private readonly Dictionary<string, ProtocolDocument> _rendered = new(StringComparer.Ordinal);

    public Task Add(string package) =>
        state.State.Packages.Contains(package) ? Task.CompletedTask : ChangeAsync(s => s.Packages.Add(package));

    public Task Remove(string package) =>
        state.State.Packages.Contains(package) ? ChangeAsync(s => s.Packages.Remove(package)) : Task.CompletedTask;

    public Task SetMirroredPatterns(string[] patterns) =>
        patterns.SequenceEqual(state.State.MirroredPatterns) ? Task.CompletedTask : ChangeAsync(s => s.MirroredPatterns = patterns);

    public Task<ProtocolDocument> GetPackagesJson(string[]? vendors, IDocumentHolder? holder, string[]? packagePatterns = null)
    {
        var key = (vendors is null ? "*" : string.Join(',', vendors.Order(StringComparer.Ordinal)))
            + (packagePatterns is null ? "" : "|" + string.Join(',', packagePatterns.Order(StringComparer.Ordinal)));
        if (!_rendered.TryGetValue(key, out var document))
        {
            if (_rendered.Count >= MaxRenderings)
            {
                _rendered.Clear();
            }

            var visible = vendors is null
                ? state.State.Packages
                : state.State.Packages.Where(p => vendors.Contains(p[..p.IndexOf('/', StringComparison.Ordinal)], StringComparer.Ordinal));
            var patterns = VisiblePatterns(state.State.MirroredPatterns, vendors);
            if (packagePatterns is not null)
            {
                visible = visible.Where(p => PackageGrants.Allows(packagePatterns, p));
                patterns = NarrowedPatterns(patterns, packagePatterns);
            }

            document = Render(visible, patterns, state.State.ChangedAt);
            _rendered[key] = document;
        }

        holders.Remember(holder);
        return Task.FromResult(document);
    }

    private async Task ChangeAsync(Action<ComposerCatalogState> change)
    {
        await changes.WriteAsync(this, state, s =>
        {
            change(s);
            s.ChangedAt = ChangeTimes.Next(s.ChangedAt, clock.GetUtcNow());
        });
        _rendered.Clear();
        await holders.DropAsync(this.GetGrainId());
    }

    /// <summary>
    /// The mirrored patterns a key limited to <paramref name="vendors"/> may use: its vendors' own, and for a mirror of
    /// a whole upstream (<c>*</c>) each of its vendors as <c>vendor/*</c>.
    /// </summary>
    private static IEnumerable<string> VisiblePatterns(string[] patterns, string[]? vendors) =>
        vendors is null ? patterns : patterns.SelectMany(p => p == "*"
            ? vendors.Select(v => $"{v}/*")
            : vendors.Contains(p[..p.IndexOf('/', StringComparison.Ordinal)], StringComparer.Ordinal) ? [p] : []).Distinct(StringComparer.Ordinal);

    /// <summary>
    /// The mirrored patterns as a key limited to <paramref name="packagePatterns"/> may use them: a mirrored pattern
    /// within one of the key's as it is, else each of the key's patterns that shares names with it (Composer then asks
    /// for names both match; p2 answers 404 for the rest, so advertising a little wide shows no package).
    /// </summary>
    private static IEnumerable<string> NarrowedPatterns(IEnumerable<string> mirrored, string[] packagePatterns) =>
        mirrored.SelectMany(m => PackageGrants.Allows(packagePatterns, m) ? [m] : packagePatterns.Where(k => PackageGrants.Overlaps(k, m)))
            .Distinct(StringComparer.Ordinal);

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
