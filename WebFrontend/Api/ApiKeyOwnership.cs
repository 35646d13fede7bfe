using OrleansRegistry.ApiKeys;
using OrleansRegistry.Organizations;
using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.Api;

/// <summary>The member of an organization a key is for: <c>{"organization": "acme", "service_account": "ci"}</c> (or <c>"user"</c>).</summary>
public sealed record KeyOwnerRequest(string? Organization, string? ServiceAccount, string? User);

/// <summary>
/// Checks the owner a key is created for: a member of an organization the caller may manage, whose role gives every
/// scope and namespace asked for. A member's key can only make keys for members of its own organization.
/// </summary>
public static class ApiKeyOwnership
{
    /// <summary>The owner and its rights now (both null for a registry-wide key), or why the owner is refused.</summary>
    public static async Task<(KeyOwner? Owner, OwnerRights? Rights, Outcome? Refusal)> ResolveAsync(
        KeyOwnerRequest? request, ApiKeyPrincipal caller, IReadOnlyCollection<string> scopes, string[]? namespaces, IGrainFactory grains)
    {
        if (request is null)
        {
            return (null, null, null); // a registry-wide key (ApiKeyRules.Validate wants an owner from a member's key)
        }

        if (Parse(request) is not { } owner)
        {
            return (null, null, Outcome.Invalid("'owner' must give 'organization' and exactly one of 'service_account' or 'user', each 1-64 lower-case letters, digits, '-' or '_'"));
        }

        if (!OrganizationAccess.MaySee(caller, owner.Organization))
        {
            return (null, null, new Outcome(OutcomeCode.Forbidden, $"the API key may not manage keys of organization '{owner.Organization}'"));
        }

        var rights = await grains.GetGrain<IOrganizationGrain>(owner.Organization).Rights(owner.Kind, owner.Id);
        return rights is null
            ? (null, null, Outcome.Invalid($"'{OwnerName(owner)}' is not a member of organization '{owner.Organization}'"))
            : (owner, rights, Exceeds(owner, rights, scopes, namespaces));
    }

    /// <summary>Forbidden when the owner's role does not give a scope or the organization does not own a namespace asked for.</summary>
    public static Outcome? Exceeds(KeyOwner owner, OwnerRights rights, IReadOnlyCollection<string> scopes, string[]? namespaces)
    {
        if (scopes.FirstOrDefault(s => !Scopes.Satisfies(rights.Scopes, s)) is { } scope)
        {
            return new Outcome(OutcomeCode.Forbidden, $"the role '{rights.Role}' of '{OwnerName(owner)}' does not give the scope '{scope}'");
        }

        return namespaces?.FirstOrDefault(n => !rights.Namespaces.Contains(n, StringComparer.Ordinal)) is { } ns
            ? new Outcome(OutcomeCode.Forbidden, $"organization '{owner.Organization}' does not own namespace '{ns}'")
            : null;
    }

    /// <summary>
    /// Creates the key. A member's key is recorded with the member first, so a change to the member between now and
    /// the key's creation reaches it, and takes the member's rights as they are then.
    /// </summary>
    public static async Task<Outcome<ApiKeyView>> CreateAsync(IGrainFactory grains, ApiKeyToken token, ApiKeyCreate create)
    {
        if (create.Owner is { } owner)
        {
            var added = await grains.GetGrain<IOrganizationGrain>(owner.Organization).AddKey(owner.Kind, owner.Id, token.KeyId);
            if (!added.Succeeded)
            {
                return added.WithoutValue();
            }

            create = create with { OwnerRights = added.Value };
        }

        var view = await grains.GetGrain<IApiKeyGrain>(token.KeyId).Create(create);
        return view is null ? Outcome.Conflict("key id collision; retry") : Outcome.Of(OutcomeCode.Created, view);
    }

    public static string OwnerName(KeyOwner owner) => MemberKinds.Member(owner.Kind, owner.Id);

    private static KeyOwner? Parse(KeyOwnerRequest request) =>
        (request.ServiceAccount, request.User) switch
        {
            _ when !Names.IsValidSegment(request.Organization) => null,
            ({ } account, null) when Names.IsValidSegment(account) => new KeyOwner(request.Organization!, MemberKind.ServiceAccount, account),
            (null, { } user) when Names.IsValidSegment(user) => new KeyOwner(request.Organization!, MemberKind.User, user),
            _ => null,
        };
}
