using OrleansRegistry.Changes;

namespace OrleansRegistry.ApiKeys;

public sealed class BootstrapState
{
    public string? AdminKeyId { get; set; }
}

/// <summary>Creates the first admin key once per deployment; its single activation serializes racing silos.</summary>
[GrainType("bootstrap")]
public sealed class BootstrapGrain(
    [PersistentState("bootstrap", RegistryStorage.Name)] IPersistentState<BootstrapState> state,
    StateChangeServices changes) : Grain, IBootstrapGrain
{
    public async Task<BootstrapResult> EnsureAdminKey(string keyId, byte[] secretHash)
    {
        if (state.State.AdminKeyId is { } existing)
        {
            return new BootstrapResult(false, existing);
        }

        var key = GrainFactory.GetGrain<IApiKeyGrain>(keyId);
        var created = await key.Create(new ApiKeyCreate("bootstrap-admin", secretHash, [Scopes.Admin], null, null, Actor.System));
        await changes.WriteAsync(this, state, s => s.AdminKeyId = keyId);
        return new BootstrapResult(created is not null, keyId);
    }
}
