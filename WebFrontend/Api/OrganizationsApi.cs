using OrleansRegistry.Catalog;
using OrleansRegistry.Organizations;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.Errors;
using OrleansRegistry.WebFrontend.Terraform;

namespace OrleansRegistry.WebFrontend.Api;

public sealed record CreateOrganizationRequest(string? Name, string? DisplayName, string? ContactEmail);

/// <summary>A change to an organization: omitted fields are kept; <c>"contact_email": ""</c> removes the address.</summary>
public sealed record UpdateOrganizationRequest(string? DisplayName, string? ContactEmail);

public sealed record OrganizationListResponse(ListingMeta Meta, OrganizationView[] Organizations);

/// <summary>
/// Organizations and the namespaces they own. Creating, deleting and giving namespaces are a registry admin's
/// (a registry-wide admin key); members see their own organization, and its admins change its name and contact e-mail.
/// </summary>
public static class OrganizationsApi
{
    public static IEndpointRouteBuilder MapOrganizationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/organizations").WithTags("Organizations").ProducesDependencyProblems();
        api.MapPost("/", CreateAsync).RequireScope(Scopes.Admin).RequireRegistryWideKey().ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict);
        api.MapGet("/", ListAsync).RequireScope(Scopes.NamespacesRead).ProducesProblems(StatusCodes.Status400BadRequest);
        api.MapGet("/{organization}", GetAsync).RequireScope(Scopes.NamespacesRead).ProducesProblems(StatusCodes.Status404NotFound);
        api.MapPatch("/{organization}", UpdateAsync).RequireScope(Scopes.Admin).ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        api.MapDelete("/{organization}", DeleteAsync).RequireScope(Scopes.Admin).RequireRegistryWideKey().ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        api.MapPut("/{organization}/namespaces/{ns}", ClaimNamespaceAsync).RequireScope(Scopes.Admin).RequireRegistryWideKey()
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        api.MapDelete("/{organization}/namespaces/{ns}", ReleaseNamespaceAsync).RequireScope(Scopes.Admin).RequireRegistryWideKey()
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Created<OrganizationView>, ProblemHttpResult>> CreateAsync(HttpContext http, IGrainFactory grains)
    {
        var (request, problem) = await FrontendJson.ReadAsync<CreateOrganizationRequest>(http.Request);
        if (request is null)
        {
            return ApiErrors.BadRequest(http, problem!);
        }

        var name = request.Name?.Trim() ?? "";
        var displayName = string.IsNullOrWhiteSpace(request.DisplayName) ? name : request.DisplayName.Trim();
        if (http.RejectBadName(name) is { } refused)
        {
            return refused;
        }

        if ((DisplayNameProblem(displayName) ?? ContactEmailProblem(request.ContactEmail, allowEmpty: false)) is { } invalid)
        {
            return ApiErrors.BadRequest(http, invalid);
        }

        var created = await grains.GetGrain<IOrganizationGrain>(name).Create(displayName, request.ContactEmail?.Trim(), http.Caller().AsActor());
        return created.Succeeded ? TypedResults.Created($"/api/v1/organizations/{name}", created.Value) : created.ToProblem(http);
    }

    private static async Task<Results<Ok<OrganizationListResponse>, ProblemHttpResult>> ListAsync(HttpContext http, IGrainFactory grains)
    {
        if (!ListingPaging.TryRead(http, ListingPaging.MaxLimit, out var offset, out var limit, out var problem))
        {
            return ApiErrors.BadRequest(http, problem!);
        }

        // A member's key lists its own organization; a key limited to namespaces outside any organization, none.
        var caller = http.Caller();
        if (!caller.IsRegistryWide && caller.Organization is null)
        {
            return TypedResults.Ok(new OrganizationListResponse(ListingPaging.Meta(http, offset, limit, false), []));
        }

        var page = await grains.GetGrain<ICatalogGrain>(0).ListOrganizations(caller.Organization, offset, limit);
        return TypedResults.Ok(new OrganizationListResponse(ListingPaging.Meta(http, offset, limit, page.HasMore), page.Organizations));
    }

    private static async Task<Results<Ok<OrganizationView>, ProblemHttpResult>> GetAsync(string organization, HttpContext http, IGrainFactory grains)
    {
        if ((http.RejectBadName(organization) ?? http.HideUnlessVisible(organization)) is { } hidden)
        {
            return hidden;
        }

        var view = await grains.GetGrain<IOrganizationGrain>(organization).Get();
        return view is null ? ApiErrors.NotFound(http, $"organization '{organization}' not found") : TypedResults.Ok(view);
    }

    /// <summary>A registry-wide admin key, or the admin of the organization itself (a member's key whose role gives <c>admin</c>).</summary>
    private static async Task<Results<Ok<OrganizationView>, ProblemHttpResult>> UpdateAsync(string organization, HttpContext http, IGrainFactory grains)
    {
        // Whom it is for first: a key of another organization learns nothing from how its body was read.
        if ((http.RejectBadName(organization) ?? http.HideUnlessVisible(organization)) is { } refused)
        {
            return refused;
        }

        var (request, problem) = await FrontendJson.ReadAsync<UpdateOrganizationRequest>(http.Request);
        if (request is null)
        {
            return ApiErrors.BadRequest(http, problem!);
        }

        var displayName = request.DisplayName?.Trim();
        if (displayName is { Length: 0 })
        {
            return ApiErrors.BadRequest(http, "'display_name' must not be empty (leave it out to keep it)");
        }

        if (((displayName is null ? null : DisplayNameProblem(displayName)) ?? ContactEmailProblem(request.ContactEmail, allowEmpty: true)) is { } invalid)
        {
            return ApiErrors.BadRequest(http, invalid);
        }

        var updated = await grains.GetGrain<IOrganizationGrain>(organization).Update(new OrganizationUpdate(displayName, request.ContactEmail?.Trim(), http.Caller().AsActor()));
        return updated.Succeeded ? TypedResults.Ok(updated.Value) : updated.ToProblem(http);
    }

    internal static string? DisplayNameProblem(string displayName) => displayName.Length > 200 ? "'display_name' must be at most 200 characters" : null;

    /// <summary>Null (not given) is fine; empty only where it removes the address.</summary>
    internal static string? ContactEmailProblem(string? contactEmail, bool allowEmpty) => contactEmail?.Trim() switch
    {
        null => null,
        "" => allowEmpty ? null : "'contact_email' must not be empty (leave it out for none)",
        var address => EmailAddresses.Problem("contact_email", address),
    };

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string organization, HttpContext http, IGrainFactory grains)
    {
        if (http.RejectBadName(organization) is { } refused)
        {
            return refused;
        }

        return (await grains.GetGrain<IOrganizationGrain>(organization).Delete(http.Caller().AsActor())).ToNoContent(http);
    }

    private static async Task<Results<Ok<OrganizationView>, ProblemHttpResult>> ClaimNamespaceAsync(string organization, string ns, HttpContext http, IGrainFactory grains)
    {
        if (Names.Problem("namespace", ns) is { } invalid)
        {
            return ApiErrors.BadRequest(http, invalid);
        }

        if (http.RejectBadName(organization) is { } refused)
        {
            return refused;
        }

        var claimed = await grains.GetGrain<IOrganizationGrain>(organization).ClaimNamespace(ns, http.Caller().AsActor());
        return claimed.Succeeded ? TypedResults.Ok(claimed.Value) : claimed.ToProblem(http);
    }

    private static async Task<Results<Ok<OrganizationView>, ProblemHttpResult>> ReleaseNamespaceAsync(string organization, string ns, HttpContext http, IGrainFactory grains)
    {
        if (http.RejectBadName(organization) is { } refused)
        {
            return refused;
        }

        var released = await grains.GetGrain<IOrganizationGrain>(organization).ReleaseNamespace(ns, http.Caller().AsActor());
        return released.Succeeded ? TypedResults.Ok(released.Value) : released.ToProblem(http);
    }
}
