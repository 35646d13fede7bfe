using OrleansRegistry.Organizations;

namespace OrleansRegistry.UnitTests;

public sealed class RoleTemplatesTests
{
    [Fact]
    public void A_keys_scopes_are_narrowed_to_what_the_role_gives()
    {
        // A publisher's admin key can publish but not manage keys; a viewer's write key can only read.
        Assert.DoesNotContain(Scopes.ApiKeysManage, RoleTemplates.Intersect([Scopes.Admin], RoleTemplates.All[RoleTemplates.Publisher]));
        Assert.Contains(Scopes.ModulesWrite, RoleTemplates.Intersect([Scopes.Admin], RoleTemplates.All[RoleTemplates.Publisher]));
        Assert.Equal([Scopes.ModulesRead], RoleTemplates.Intersect([Scopes.ModulesWrite], RoleTemplates.All[RoleTemplates.Viewer]));
        Assert.Empty(RoleTemplates.Intersect([Scopes.AuditRead], RoleTemplates.All[RoleTemplates.Publisher]));
        Assert.Contains(Scopes.Admin, RoleTemplates.Intersect([Scopes.Admin], RoleTemplates.All[RoleTemplates.Admin]));
    }

    [Fact]
    public void Each_template_is_made_of_known_scopes_and_a_user_manager_cannot_give_publishing()
    {
        Assert.All(RoleTemplates.All.Values.SelectMany(s => s), s => Assert.True(Scopes.IsKnown(s), s));
        var manager = RoleTemplates.All[RoleTemplates.UserManager];
        Assert.All(RoleTemplates.All[RoleTemplates.Viewer], s => Assert.True(Scopes.Satisfies(manager, s)));
        Assert.False(Scopes.Satisfies(manager, Scopes.ModulesWrite));
    }
}
