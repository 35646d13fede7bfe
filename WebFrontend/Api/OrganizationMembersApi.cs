using OrleansRegistry.Organizations;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.Api;

public sealed record SetMemberRequest(string? Role);

public sealed record SetRoleRequest(string[]? Scopes);

public sealed record MemberListResponse(MemberView[] Members);

public sealed record RoleListResponse(RoleView[] Roles);

/// <summary>
/// An organization's roles (the templates and its custom ones) and members: users and service accounts. Managing them
/// takes <c>api_keys:manage</c> in that organization (a user manager's or admin's key) or a registry-wide key, and
/// never gives a role with scopes the caller lacks.
/// </summary>
public static class OrganizationMembersApi
{
    public static IEndpointRouteBuilder MapOrganizationMembersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/organizations/{organization}").WithTags("Organizations").ProducesDependencyProblems();
        api.MapGet("/roles", RolesAsync).RequireScope(Scopes.NamespacesRead).ProducesProblems(StatusCodes.Status404NotFound);
        api.MapPut("/roles/{role}", SetRoleAsync).RequireScope(Scopes.ApiKeysManage)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        api.MapDelete("/roles/{role}", DeleteRoleAsync).RequireScope(Scopes.ApiKeysManage).ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        api.MapGet("/members", MembersAsync).RequireScope(Scopes.NamespacesRead).ProducesProblems(StatusCodes.Status404NotFound);
        api.MapPut("/members/{kind}/{id}", SetMemberAsync).RequireScope(Scopes.ApiKeysManage)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        api.MapDelete("/members/{kind}/{id}", RemoveMemberAsync).RequireScope(Scopes.ApiKeysManage)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Ok<RoleListResponse>, ProblemHttpResult>> RolesAsync(string organization, HttpContext http, IGrainFactory grains)
    {
        if (Refusal(http, organization) is { } refused)
        {
            return refused;
        }

        var org = grains.GetGrain<IOrganizationGrain>(organization);
        return await org.Get() is null ? NotFound(http, organization) : TypedResults.Ok(new RoleListResponse(await org.GetRoles()));
    }

    private static async Task<Results<Ok<RoleView>, ProblemHttpResult>> SetRoleAsync(string organization, string role, HttpContext http, IGrainFactory grains)
    {
        var (request, problem) = await FrontendJson.ReadAsync<SetRoleRequest>(http.Request);
        if (request is null)
        {
            return ApiErrors.BadRequest(http, problem!);
        }

        if ((Refusal(http, organization) ?? RejectBadRole(http, role)) is { } refused)
        {
            return refused;
        }

        if (request.Scopes is not { Length: > 0 } scopes || scopes.Any(s => s is null || !Scopes.IsKnown(s)))
        {
            return ApiErrors.BadRequest(http, $"'scopes' must list at least one of: {string.Join(", ", Scopes.All)}");
        }

        var caller = http.Caller();
        var set = await grains.GetGrain<IOrganizationGrain>(organization).SetRole(new RoleChange(role, [.. scopes.Distinct()], caller.AsActor(), caller.Scopes));
        return set.Succeeded ? TypedResults.Ok(set.Value) : set.ToProblem(http);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteRoleAsync(string organization, string role, HttpContext http, IGrainFactory grains) =>
        (Refusal(http, organization) ?? RejectBadRole(http, role)) is { } refused
            ? refused
            : (await grains.GetGrain<IOrganizationGrain>(organization).DeleteRole(role, http.Caller().AsActor())).ToNoContent(http);

    private static async Task<Results<Ok<MemberListResponse>, ProblemHttpResult>> MembersAsync(string organization, HttpContext http, IGrainFactory grains)
    {
        if (Refusal(http, organization) is { } refused)
        {
            return refused;
        }

        var members = await grains.GetGrain<IOrganizationGrain>(organization).GetMembers();
        return members.Succeeded ? TypedResults.Ok(new MemberListResponse(members.Value!)) : members.ToProblem(http);
    }

    private static async Task<Results<Ok<MemberView>, ProblemHttpResult>> SetMemberAsync(string organization, string kind, string id, HttpContext http, IGrainFactory grains)
    {
        var (request, problem) = await FrontendJson.ReadAsync<SetMemberRequest>(http.Request);
        if (request is null)
        {
            return ApiErrors.BadRequest(http, problem!);
        }

        var memberKind = KindOf(kind);
        if ((Refusal(http, organization) ?? RejectBadMember(http, kind, id)) is { } refused)
        {
            return refused;
        }

        if (string.IsNullOrWhiteSpace(request.Role))
        {
            return ApiErrors.BadRequest(http, $"'role' is required: one of {string.Join(", ", RoleTemplates.All.Keys)} or a custom role of '{organization}'");
        }

        var caller = http.Caller();
        var set = await grains.GetGrain<IOrganizationGrain>(organization).SetMember(new MemberChange(memberKind, id, request.Role.Trim(), caller.AsActor(), caller.Scopes));
        return set.Succeeded ? TypedResults.Ok(set.Value) : set.ToProblem(http);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveMemberAsync(string organization, string kind, string id, HttpContext http, IGrainFactory grains) =>
        (Refusal(http, organization) ?? RejectBadMember(http, kind, id)) is { } refused
            ? refused
            : (await grains.GetGrain<IOrganizationGrain>(organization).RemoveMember(KindOf(kind), id, http.Caller().AsActor())).ToNoContent(http);

    /// <summary>The path's kind: <c>users</c> or <c>service-accounts</c>.</summary>
    private static MemberKind KindOf(string kind) => kind == "users" ? MemberKind.User : MemberKind.ServiceAccount;

    private static ProblemHttpResult? RejectBadMember(HttpContext http, string kind, string id)
    {
        if (kind is not ("users" or "service-accounts"))
        {
            return ApiErrors.BadRequest(http, $"members are 'users' or 'service-accounts', not '{kind}'");
        }

        return Names.Problem(KindOf(kind) == MemberKind.User ? "user" : "service account", id) is { } problem ? ApiErrors.BadRequest(http, problem) : null;
    }

    private static ProblemHttpResult? RejectBadRole(HttpContext http, string role) =>
        Names.Problem("role", role) is { } problem ? ApiErrors.BadRequest(http, problem) : null;

    private static ProblemHttpResult? Refusal(HttpContext http, string organization) =>
        http.RejectBadName(organization) ?? http.HideUnlessVisible(organization);

    private static ProblemHttpResult NotFound(HttpContext http, string organization) => ApiErrors.NotFound(http, $"organization '{organization}' not found");
}
