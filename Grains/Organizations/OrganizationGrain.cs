using Microsoft.Extensions.Logging;
using OrleansRegistry.Catalog;
using OrleansRegistry.Changes;
using OrleansRegistry.Namespaces;

namespace OrleansRegistry.Organizations;

/// <summary>
/// One organization. Its state is the truth about its members' rights; after each change its follow-ups bring the
/// read model in line and tell the keys of every member whose rights changed (<see cref="TellKeysAsync"/>).
/// </summary>
[GrainType("organization")]
public sealed partial class OrganizationGrain(
    [PersistentState("organization", RegistryStorage.Name)] IPersistentState<OrganizationState> state,
    OrganizationReadModel readModel,
    StateChangeServices changes,
    TimeProvider clock,
    ILogger<OrganizationGrain> logger) : Grain, IOrganizationGrain
{
    private StateChanges<OrganizationState>? _changes;

    private string Name => this.GetPrimaryKeyString();

    private StateChanges<OrganizationState> Changes => _changes ??= changes.For(this, state, static () => Task.CompletedTask, SyncAsync);

    public override Task OnActivateAsync(CancellationToken cancellationToken) => Changes.ResumeAsync();

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Changes.FlushAsync();

    public async Task<Outcome<OrganizationView>> Create(string displayName, string? contactEmail, Actor actor)
    {
        if (state.State.Exists)
        {
            return Outcome.Conflict($"organization '{Name}' already exists");
        }

        var now = clock.GetUtcNow();
        await Changes.CommitAsync(s =>
        {
            s.DisplayName = displayName;
            s.ContactEmail = contactEmail;
            s.CreatedAt = now;
            s.CreatedBy = actor.KeyId;
        }, AuditRecord.Of(actor, "organization.create", Name, now));
        return Outcome.Of(OutcomeCode.Created, View());
    }

    public Task<OrganizationView?> Get() => Task.FromResult(state.State.Exists ? View() : null);

    public async Task<Outcome<OrganizationView>> Update(OrganizationUpdate update)
    {
        if (Missing() is { } missing)
        {
            return missing;
        }

        var contactEmail = update.ContactEmail is null ? state.State.ContactEmail : update.ContactEmail.Length == 0 ? null : update.ContactEmail;
        var displayName = update.DisplayName ?? state.State.DisplayName;
        var emailChanged = contactEmail != state.State.ContactEmail;
        if (!emailChanged && displayName == state.State.DisplayName)
        {
            return Outcome.Of(OutcomeCode.Unchanged, View());
        }

        // The audit says what changed, not the address itself (it is personal data; GET shows it to who may see it).
        await Changes.CommitAsync(s =>
        {
            s.DisplayName = displayName;
            s.ContactEmail = contactEmail;
        }, AuditRecord.Of(update.Actor, "organization.update", Name, clock.GetUtcNow(),
            new { update.DisplayName, ContactEmail = emailChanged ? (contactEmail is null ? "removed" : "set") : null }));
        return Outcome.Of(OutcomeCode.Done, View());
    }

    public Task<string?> GetContactEmail() => Task.FromResult(state.State.Exists ? state.State.ContactEmail : null);

    public async Task<Outcome> Delete(Actor actor)
    {
        if (Missing() is { } missing)
        {
            return missing;
        }

        if (state.State.Namespaces.Count > 0 || state.State.Members.Count > 0)
        {
            return Outcome.Conflict($"organization '{Name}' still owns {state.State.Namespaces.Count} namespace(s) and has {state.State.Members.Count} member(s); release and remove them first");
        }

        await Changes.CommitAsync(s =>
        {
            s.DisplayName = null;
            s.ContactEmail = null;
            s.CustomRoles.Clear();
        }, AuditRecord.Of(actor, "organization.delete", Name, clock.GetUtcNow()));
        return Outcome.Done;
    }

    public async Task<Outcome<OrganizationView>> ClaimNamespace(string ns, Actor actor)
    {
        if (Missing() is { } missing)
        {
            return missing;
        }

        if (state.State.Namespaces.Contains(ns))
        {
            return Outcome.Of(OutcomeCode.Unchanged, View());
        }

        // The namespace records its owner first: two organizations claiming it at once cannot both get it.
        var claimed = await GrainFactory.GetGrain<INamespaceGrain>(ns).SetOwner(Name, null, actor);
        if (!claimed.Succeeded)
        {
            return claimed;
        }

        // Every member's keys gain the namespace; they learn it when told (their rights are cached).
        await Changes.CommitAsync(s =>
        {
            s.Namespaces.Add(ns);
            TellAllKeys(s);
        }, AuditRecord.Of(actor, "organization.claim-namespace", Name, clock.GetUtcNow(), new { Namespace = ns }));
        return Outcome.Of(OutcomeCode.Done, View());
    }

    public async Task<Outcome<OrganizationView>> ReleaseNamespace(string ns, Actor actor)
    {
        if (Missing() is { } missing)
        {
            return missing;
        }

        if (!state.State.Namespaces.Contains(ns))
        {
            return Outcome.NotFound($"organization '{Name}' does not own namespace '{ns}'");
        }

        // The members' keys lose the namespace before the namespace is free for another organization.
        await Changes.CommitAsync(s =>
        {
            s.Namespaces.Remove(ns);
            TellAllKeys(s);
        }, AuditRecord.Of(actor, "organization.release-namespace", Name, clock.GetUtcNow(), new { Namespace = ns }));
        var released = await GrainFactory.GetGrain<INamespaceGrain>(ns).SetOwner(null, Name, actor);
        return released.Succeeded ? Outcome.Of(OutcomeCode.Done, View()) : released;
    }

    public Task<RoleView[]> GetRoles() => Task.FromResult<RoleView[]>(
        [.. RoleTemplates.All.Select(t => new RoleView(t.Key, t.Value, BuiltIn: true)), .. CustomRoleViews()]);

    public async Task<Outcome<RoleView>> SetRole(RoleChange change)
    {
        if (Missing() is { } missing)
        {
            return missing;
        }

        if (RoleTemplates.All.ContainsKey(change.Name))
        {
            return Outcome.Conflict($"'{change.Name}' is a built-in role template; give the custom role another name");
        }

        if (change.Scopes.FirstOrDefault(s => !Scopes.Satisfies(change.ActorScopes, s)) is { } excess)
        {
            return new Outcome(OutcomeCode.Forbidden, $"a role cannot give the scope '{excess}', which the caller does not hold itself");
        }

        // A role narrowed or widened changes what its holders' keys may do.
        await Changes.CommitAsync(s =>
        {
            s.CustomRoles[change.Name] = change.Scopes;
            TellKeysOf(s, s.Members.Values.Where(m => m.Role == change.Name));
        }, AuditRecord.Of(change.Actor, "organization.set-role", Name, clock.GetUtcNow(), new { Role = change.Name, change.Scopes }));
        return Outcome.Of(OutcomeCode.Done, new RoleView(change.Name, change.Scopes, BuiltIn: false));
    }

    public async Task<Outcome> DeleteRole(string name, Actor actor)
    {
        if (Missing() is { } missing)
        {
            return missing;
        }

        if (!state.State.CustomRoles.ContainsKey(name))
        {
            return Outcome.NotFound(RoleTemplates.All.ContainsKey(name)
                ? $"'{name}' is a built-in role template and cannot be deleted"
                : $"organization '{Name}' has no custom role '{name}'");
        }

        if (state.State.Members.Values.Count(m => m.Role == name) is > 0 and var holders)
        {
            return Outcome.Conflict($"{holders} member(s) of '{Name}' hold the role '{name}'; give them another role first");
        }

        await Changes.CommitAsync(s => s.CustomRoles.Remove(name), AuditRecord.Of(actor, "organization.delete-role", Name, clock.GetUtcNow(), new { Role = name }));
        return Outcome.Done;
    }

    private Outcome? Missing() => state.State.Exists ? null : Outcome.NotFound($"organization '{Name}' not found");

    private string[]? ScopesOf(string role) =>
        RoleTemplates.All.TryGetValue(role, out var scopes) || state.State.CustomRoles.TryGetValue(role, out scopes) ? scopes : null;

    private IEnumerable<RoleView> CustomRoleViews() => state.State.CustomRoles.Select(r => new RoleView(r.Key, r.Value, BuiltIn: false));

    private OrganizationView View()
    {
        var s = state.State;
        return new(Name, s.DisplayName!, [.. s.Namespaces], s.CreatedAt, s.CreatedBy, [.. CustomRoleViews()], s.Members.Count, s.ContactEmail);
    }
}
