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
    [PersistentState("mirror-directory", RegistryStorage.Name)] IPersistentState<MirrorDirectoryState> state) : Grain, IMirrorDirectoryGrain
{
    public async Task Upsert(MirrorSummary summary)
    {
        state.State.Mirrors[summary.Id] = summary;
        await state.WriteStateAsync();
    }

    public async Task Remove(string id)
    {
        if (state.State.Mirrors.Remove(id))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<MirrorSummary[]> List() =>
        Task.FromResult(state.State.Mirrors.Values.OrderBy(m => m.Name, StringComparer.Ordinal).ToArray());

    public Task<bool> NameTaken(string name, string exceptId) =>
        Task.FromResult(state.State.Mirrors.Values.Any(m => m.Id != exceptId && string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase)));

    public Task<MirrorRoute?> Route(string? hostname, string ns, string type)
    {
        var mirror = state.State.Mirrors.Values
            .Where(m => m.Kind == MirrorSettingsRules.TerraformProviders)
            .Where(m => hostname is null || string.Equals(m.Hostname, hostname, StringComparison.OrdinalIgnoreCase))
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .FirstOrDefault(m => ProviderPattern.AnyMatches(m.Providers, ns, type));
        return Task.FromResult(mirror is null ? null : new MirrorRoute(mirror.Id, $"{mirror.Hostname}/{ns}/{type}", mirror.PullThrough));
    }
}
