using OrleansRegistry.ApiKeys;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.Api;

/// <summary>
/// Who may see and change an organization: registry-wide keys (the bootstrap key, automation) every organization; a
/// member's key only its own organization, as far as its role's scopes go.
/// </summary>
public static class OrganizationAccess
{
    /// <summary>404 for an organization the caller cannot see (as if it did not exist: names are not disclosed).</summary>
    public static ProblemHttpResult? HideUnlessVisible(this HttpContext http, string organization) =>
        MaySee(http.Caller(), organization) ? null : ApiErrors.NotFound(http, $"organization '{organization}' not found");

    public static bool MaySee(ApiKeyPrincipal caller, string organization) =>
        caller.IsRegistryWide || caller.Organization == organization;

    /// <summary>400 for a malformed organization name, else null.</summary>
    public static ProblemHttpResult? RejectBadName(this HttpContext http, string organization) =>
        Names.Problem("organization", organization) is { } problem ? ApiErrors.BadRequest(http, problem) : null;
}
