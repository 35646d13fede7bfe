using OrleansRegistry.ApiKeys;

namespace OrleansRegistry.WebFrontend.Ui.Pages.Admin.Organizations;

/// <summary>The admin API's visibility rule for organizations, for the pages.</summary>
public static class OrganizationAccessRules
{
    public static bool MaySee(ApiKeyPrincipal caller, string organization) => Api.OrganizationAccess.MaySee(caller, organization);
}
