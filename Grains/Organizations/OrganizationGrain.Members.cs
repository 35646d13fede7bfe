using Microsoft.Extensions.Logging;
using OrleansRegistry.ApiKeys;
using OrleansRegistry.Changes;

namespace OrleansRegistry.Organizations;

/// <summary>Members, their rights, and telling their keys when those change.</summary>
public sealed partial class OrganizationGrain
{
    public Task<Outcome<MemberView[]>> GetMembers() => Task.FromResult(Missing() is { } missing
        ? (Outcome<MemberView[]>)missing
        : Outcome.Of(OutcomeCode.Done, state.State.Members.Values.Select(m => m.View()).ToArray()));

    public async Task<Outcome<MemberView>> SetMember(MemberChange change)
    {
        if (Missing() is { } missing)
        {
            return missing;
        }

        if (ScopesOf(change.Role) is not { } scopes)
        {
            return Outcome.Invalid($"unknown role '{change.Role}'; roles of '{Name}': {string.Join(", ", RoleTemplates.All.Keys.Concat(state.State.CustomRoles.Keys))}");
        }

        // Whoever gives a role must hold its scopes: a user manager cannot make anyone an admin, itself included.
        if (scopes.FirstOrDefault(s => !Scopes.Satisfies(change.ActorScopes, s)) is { } excess)
        {
            return new Outcome(OutcomeCode.Forbidden, $"the role '{change.Role}' gives the scope '{excess}', which the caller does not hold itself");
        }

        var key = MemberRecord.KeyOf(change.Kind, change.Id);
        var existing = state.State.Members.GetValueOrDefault(key);
        if (existing?.Role == change.Role)
        {
            return Outcome.Of(OutcomeCode.Unchanged, existing.View());
        }

        var now = clock.GetUtcNow();
        await Changes.CommitAsync(s =>
        {
            var member = s.Members.GetValueOrDefault(key) ?? new MemberRecord { Kind = change.Kind, Id = change.Id, AddedAt = now, AddedBy = change.Actor.KeyId };
            member.Role = change.Role;
            s.Members[key] = member;
            TellKeysOf(s, [member]);
        }, AuditRecord.Of(change.Actor, existing is null ? "organization.add-member" : "organization.change-role", Name, now,
            new { Member = key, change.Role, PreviousRole = existing?.Role }));
        return Outcome.Of(existing is null ? OutcomeCode.Created : OutcomeCode.Done, state.State.Members[key].View());
    }

    public async Task<Outcome> RemoveMember(MemberKind kind, string id, Actor actor)
    {
        if (Missing() is { } missing)
        {
            return missing;
        }

        var key = MemberRecord.KeyOf(kind, id);
        if (!state.State.Members.TryGetValue(key, out var member))
        {
            return Outcome.NotFound($"'{key}' is not a member of organization '{Name}'");
        }

        // Its keys are revoked as a follow-up of the removal (before this answers, unless a key cannot be reached now;
        // then it is retried, and the key's own check of its owner refuses meanwhile).
        await Changes.CommitAsync(s =>
        {
            s.Members.Remove(key);
            s.KeysToRevoke.UnionWith(member.KeyIds);
        }, AuditRecord.Of(actor, "organization.remove-member", Name, clock.GetUtcNow(), new { Member = key, member.Role, RevokedKeys = member.KeyIds.Count }));
        return Outcome.Done;
    }

    public Task<OwnerRights?> Rights(MemberKind kind, string id) => Task.FromResult(RightsOf(kind, id));

    public async Task<Outcome<OwnerRights>> AddKey(MemberKind kind, string id, string keyId)
    {
        var key = MemberRecord.KeyOf(kind, id);
        if (!state.State.Exists || !state.State.Members.TryGetValue(key, out var member))
        {
            return Outcome.NotFound($"'{key}' is not a member of organization '{Name}'");
        }

        if (!member.KeyIds.Contains(keyId))
        {
            await Changes.CommitAsync(_ => member.KeyIds.Add(keyId));
        }

        return Outcome.Of(OutcomeCode.Done, RightsOf(kind, id)!);
    }

    private OwnerRights? RightsOf(MemberKind kind, string id) =>
        state.State.Exists && state.State.Members.TryGetValue(MemberRecord.KeyOf(kind, id), out var member) && ScopesOf(member.Role) is { } scopes
            ? new OwnerRights(member.Role, scopes, [.. state.State.Namespaces])
            : null;

    private static void TellAllKeys(OrganizationState s) => TellKeysOf(s, s.Members.Values);

    private static void TellKeysOf(OrganizationState s, IEnumerable<MemberRecord> members)
    {
        foreach (var member in members)
        {
            s.KeysToTell.UnionWith(member.KeyIds);
        }
    }

    /// <summary>The read model's rows, then the keys owed a word: idempotent, retried by the follow-ups until done.</summary>
    private async Task SyncAsync()
    {
        await readModel.SyncOrganizationAsync(Name, state.State.Exists ? View() : null, [.. state.State.Members.Values.Select(m => m.View())]);
        await TellKeysAsync();
    }

    private async Task TellKeysAsync()
    {
        var s = state.State;
        foreach (var keyId in s.KeysToRevoke.ToList())
        {
            await GrainFactory.GetGrain<IApiKeyGrain>(keyId).RevokeForOwner($"its owner was removed from organization '{Name}'");
            LogRevoked(logger, keyId, Name);
            s.KeysToRevoke.Remove(keyId);
            s.KeysToTell.Remove(keyId);
        }

        // Each key learns its owner's rights as they are now, so telling it again (a retry) is harmless.
        foreach (var keyId in s.KeysToTell.ToList())
        {
            if (s.Members.Values.FirstOrDefault(m => m.KeyIds.Contains(keyId)) is { } member && RightsOf(member.Kind, member.Id) is { } rights)
            {
                await GrainFactory.GetGrain<IApiKeyGrain>(keyId).OwnerChanged(rights);
            }

            s.KeysToTell.Remove(keyId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Revoked API key {KeyId}: its owner was removed from organization {Organization}")]
    private static partial void LogRevoked(ILogger logger, string keyId, string organization);
}
