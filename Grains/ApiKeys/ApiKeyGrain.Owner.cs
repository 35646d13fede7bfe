using OrleansRegistry.Changes;
using OrleansRegistry.Organizations;

namespace OrleansRegistry.ApiKeys;

/// <summary>A key of an organization's member: never more than the member's role allows, and gone with the member.</summary>
public sealed partial class ApiKeyGrain
{
    public async Task OwnerChanged(OwnerRights rights)
    {
        var current = state.State.OwnerRights;
        if (current is not null && current.Role == rights.Role && current.Scopes.SequenceEqual(rights.Scopes) && current.Namespaces.SequenceEqual(rights.Namespaces))
        {
            return;
        }

        // Not audited here: the organization's change that caused it is.
        await Changes.CommitAsync(s =>
        {
            s.OwnerRights = rights;
            _principal = null;
        });
    }

    public async Task RevokeForOwner(string reason)
    {
        if (state.State.RevokedAt is not null)
        {
            return;
        }

        var now = clock.GetUtcNow();
        await Changes.CommitAsync(s => s.RevokedAt = now, AuditRecord.Of(Actor.System, "apikey.revoke", KeyId, now, new { Reason = reason }));
    }

    /// <summary>
    /// What the key may do: its own scopes and namespaces, narrowed for a member's key to what the member's role
    /// gives within the organization's namespaces (nothing at all until the organization has said).
    /// </summary>
    private ApiKeyPrincipal Principal()
    {
        var key = state.State;
        if (key.Owner is not { } owner)
        {
            return new ApiKeyPrincipal(KeyId, key.Name!, key.Scopes, key.Namespaces, key.PackagePatterns);
        }

        var rights = key.OwnerRights ?? new OwnerRights("", [], []);
        var namespaces = key.Namespaces is null ? rights.Namespaces : [.. key.Namespaces.Intersect(rights.Namespaces, StringComparer.Ordinal)];
        return new ApiKeyPrincipal(KeyId, key.Name!, RoleTemplates.Intersect(key.Scopes, rights.Scopes), namespaces, key.PackagePatterns, owner.Organization);
    }
}
