namespace OrleansRegistry.Organizations;

/// <summary>
/// An organization, keyed by its name: the namespaces it owns, its members (users and service accounts) with their
/// roles, and its custom roles. The source of truth for what a member's keys may do: every change that narrows a
/// member's rights tells that member's keys before it answers, and removing a member revokes its keys.
/// </summary>
[Alias("organization")]
public interface IOrganizationGrain : IGrainWithStringKey
{
    [Alias("create")]
    Task<Outcome<OrganizationView>> Create(string displayName, string? contactEmail, Actor actor);

    /// <summary>Changes the display name and the contact e-mail (null members stay as they are; an empty address removes it).</summary>
    [Alias("update")]
    Task<Outcome<OrganizationView>> Update(OrganizationUpdate update);

    /// <summary>
    /// Where expiry warnings of its service accounts' keys go. Interleaved with any call: a key grain asks it from its
    /// reminder while the organization may be waiting on that very key (telling it of a change), which would otherwise
    /// deadlock the two until the call timed out.
    /// </summary>
    [Alias("contact-email"), Orleans.Concurrency.AlwaysInterleave]
    Task<string?> GetContactEmail();

    [Alias("get"), Orleans.Concurrency.ReadOnly]
    Task<OrganizationView?> Get();

    /// <summary>Deletes an organization that owns no namespaces and has no members.</summary>
    [Alias("delete")]
    Task<Outcome> Delete(Actor actor);

    /// <summary>Makes <paramref name="ns"/> (created if it does not exist) the organization's; a conflict if another owns it.</summary>
    [Alias("claim-namespace")]
    Task<Outcome<OrganizationView>> ClaimNamespace(string ns, Actor actor);

    [Alias("release-namespace")]
    Task<Outcome<OrganizationView>> ReleaseNamespace(string ns, Actor actor);

    /// <summary>The built-in templates and the organization's custom roles.</summary>
    [Alias("roles"), Orleans.Concurrency.ReadOnly]
    Task<RoleView[]> GetRoles();

    [Alias("set-role")]
    Task<Outcome<RoleView>> SetRole(RoleChange change);

    /// <summary>Deletes a custom role no member holds.</summary>
    [Alias("delete-role")]
    Task<Outcome> DeleteRole(string name, Actor actor);

    [Alias("members"), Orleans.Concurrency.ReadOnly]
    Task<Outcome<MemberView[]>> GetMembers();

    /// <summary>Adds a member or changes its role (a service account is created this way).</summary>
    [Alias("set-member")]
    Task<Outcome<MemberView>> SetMember(MemberChange change);

    /// <summary>Removes a member and revokes its keys.</summary>
    [Alias("remove-member")]
    Task<Outcome> RemoveMember(MemberKind kind, string id, Actor actor);

    /// <summary>What the member may do now; null when it is not a member (any more).</summary>
    [Alias("rights"), Orleans.Concurrency.ReadOnly]
    Task<OwnerRights?> Rights(MemberKind kind, string id);

    /// <summary>Records a key as the member's, before the key is created, so changes to the member reach it.</summary>
    [Alias("add-key")]
    Task<Outcome<OwnerRights>> AddKey(MemberKind kind, string id, string keyId);
}
