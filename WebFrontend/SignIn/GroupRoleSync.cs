using OrleansRegistry.Organizations;
using OrleansRegistry.Users;

namespace OrleansRegistry.WebFrontend.SignIn;

/// <summary>
/// Makes a user's organization roles follow their identity-provider groups at each sign-in: a mapped group gives its
/// role (the one with the most scopes when several groups map into one organization); a role a group gave at an
/// earlier sign-in goes, with the user's keys there, once no group gives it. Roles given by hand are left alone.
/// </summary>
public sealed partial class GroupRoleSync(IGrainFactory grains, OidcSettings settings, ILogger<GroupRoleSync> logger)
{
    public async Task<GroupGrant[]> SyncAsync(string userId, IReadOnlyCollection<string> groups)
    {
        var desired = settings.GroupRoles
            .Where(m => groups.Contains(m.Group, StringComparer.Ordinal))
            .GroupBy(m => m.Organization, StringComparer.Ordinal)
            .Select(g => new GroupGrant(g.Key, g.MaxBy(m => ScopeCount(m.Role))!.Role))
            .ToArray();
        var user = grains.GetGrain<IUserGrain>(userId);
        var previous = await user.GetGroupGrants();
        var actor = new Actor(userId, "OIDC group mapping");
        var applied = new List<GroupGrant>();
        foreach (var grant in desired)
        {
            var set = await grains.GetGrain<IOrganizationGrain>(grant.Organization)
                .SetMember(new MemberChange(MemberKind.User, userId, grant.Role, actor, [Scopes.Admin]));
            if (set.Succeeded)
            {
                applied.Add(grant);
            }
            else
            {
                LogMappingFailed(logger, grant.Organization, grant.Role, set.Reason ?? set.Code.ToString());
            }
        }

        foreach (var gone in previous.Where(p => !applied.Any(a => a.Organization == p.Organization)))
        {
            await grains.GetGrain<IOrganizationGrain>(gone.Organization).RemoveMember(MemberKind.User, userId, actor);
        }

        await user.SetGroupGrants([.. applied]);
        return [.. applied];
    }

    private static int ScopeCount(string role) => RoleTemplates.All.TryGetValue(role, out var scopes) ? RoleTemplates.Intersect(Scopes.All.ToArray(), scopes).Length : 0;

    [LoggerMessage(Level = LogLevel.Warning, Message = "REGISTRY_OIDC_GROUP_ROLES gives the role {Role} in organization {Organization}, which was refused: {Reason}")]
    private static partial void LogMappingFailed(ILogger logger, string organization, string role, string reason);
}
