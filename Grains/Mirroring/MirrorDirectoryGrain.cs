using OrleansRegistry.Changes;

namespace OrleansRegistry.Mirroring;

public sealed class MirrorDirectoryState
{
    public Dictionary<string, MirrorSummary> Mirrors { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// The bounded set of mirrors, kept by the mirror grains: lists them for the admin API and routes provider requests
/// for mirrored addresses to the mirror (and provider grain) that serves them.
/// </summary>
[GrainType("mirror-directory")]
public sealed class MirrorDirectoryGrain(
    [PersistentState("mirror-directory", RegistryStorage.Name)] IPersistentState<MirrorDirectoryState> state,
    StateChangeServices changes) : Grain, IMirrorDirectoryGrain
{
    // Both are repeated by the mirror until they succeed (they are its follow-ups), so each ends by publishing the patterns.
    public async Task Upsert(MirrorSummary summary)
    {
        await changes.WriteAsync(this, state, s => s.Mirrors[summary.Id] = summary);
        await PublishComposerPatternsAsync();
    }

    public async Task Remove(string id)
    {
        if (state.State.Mirrors.ContainsKey(id))
        {
            await changes.WriteAsync(this, state, s => s.Mirrors.Remove(id));
        }

        await PublishComposerPatternsAsync();
    }

    /// <summary>packages.json lists the mirrored package patterns, so Composer asks this repository for them.</summary>
    private Task PublishComposerPatternsAsync() =>
        GrainFactory.GetGrain<Composer.IComposerCatalogGrain>(0).SetMirroredPatterns(
            [.. state.State.Mirrors.Values.Where(m => m.Kind == MirrorKinds.ComposerRepository).SelectMany(m => m.Packages ?? []).Distinct().Order(StringComparer.Ordinal)]);

    public Task<MirrorSummary[]> List() =>
        Task.FromResult(state.State.Mirrors.Values.OrderBy(m => m.Name, StringComparer.Ordinal).ToArray());

    public Task<bool> NameTaken(string name, string exceptId) =>
        Task.FromResult(state.State.Mirrors.Values.Any(m => m.Id != exceptId && string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase)));

    public Task<string?> RouteComposer(string package) =>
        Task.FromResult(state.State.Mirrors.Values
            .Where(m => m.Kind == MirrorKinds.ComposerRepository)
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .FirstOrDefault(m => (m.Packages ?? []).Any(p => MirrorKinds.PackageMatches(p, package)))?.Id);

    public Task<MirrorRoute?> Route(string? hostname, string ns, string type)
    {
        var mirror = state.State.Mirrors.Values
            .Where(m => m.Kind == MirrorKinds.TerraformProviders)
            .Where(m => hostname is null || string.Equals(m.Hostname, hostname, StringComparison.OrdinalIgnoreCase))
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .FirstOrDefault(m => ProviderPattern.AnyMatches(m.Providers, ns, type));
        return Task.FromResult(mirror is null ? null : new MirrorRoute(mirror.Id, $"{mirror.Hostname}/{ns}/{type}", mirror.PullThrough));
    }
}
