using OrleansRegistry.Catalog;

namespace OrleansRegistry.Namespaces;

public sealed class NamespaceState
{
    public DateTimeOffset? CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public SortedSet<string> Modules { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>A namespace (Terraform namespace, Composer vendor): existence, owner and the packages in it.</summary>
[GrainType("namespace")]
public sealed class NamespaceGrain(
    [PersistentState("namespace", RegistryStorage.Name)] IPersistentState<NamespaceState> state,
    RegistryIndex index,
    TimeProvider clock) : Grain, INamespaceGrain
{
    public async Task<NamespaceView?> Create(Actor actor)
    {
        if (state.State.CreatedAt is not null)
        {
            return null;
        }

        state.State.CreatedAt = clock.GetUtcNow();
        state.State.CreatedBy = actor.KeyId;
        await state.WriteStateAsync();
        await index.UpsertNamespaceAsync(this.GetPrimaryKeyString(), state.State.CreatedAt.Value, actor.KeyId);
        await index.AuditAsync(actor, "namespace.create", this.GetPrimaryKeyString());
        return View();
    }

    public Task<NamespaceView?> Get() => Task.FromResult(state.State.CreatedAt is null ? null : View());

    public Task<bool> Exists() => Task.FromResult(state.State.CreatedAt is not null);

    public async Task AddModule(string module)
    {
        if (state.State.Modules.Add(module))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task RemoveModule(string module)
    {
        if (state.State.Modules.Remove(module))
        {
            await state.WriteStateAsync();
        }
    }

    private NamespaceView View() =>
        new(this.GetPrimaryKeyString(), state.State.CreatedAt!.Value, state.State.CreatedBy, [.. state.State.Modules]);
}
