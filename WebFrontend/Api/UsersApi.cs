using OrleansRegistry.Catalog;
using OrleansRegistry.Users;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.Errors;
using OrleansRegistry.WebFrontend.Terraform;

namespace OrleansRegistry.WebFrontend.Api;

public sealed record UserListResponse(ListingMeta Meta, UserView[] Users);

/// <summary>
/// The people who signed in. A registry-wide key lists them all; a user manager of an organization looks one up by
/// exact e-mail address (to add them as a member) and sees no one else.
/// </summary>
public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/users", ListAsync).WithTags("Organizations").RequireScope(Scopes.ApiKeysManage)
            .ProducesProblems(StatusCodes.Status400BadRequest).ProducesDependencyProblems();
        return app;
    }

    private static async Task<Results<Ok<UserListResponse>, ProblemHttpResult>> ListAsync(HttpContext http, IGrainFactory grains, string? email)
    {
        if (!ListingPaging.TryRead(http, ListingPaging.MaxLimit, out var offset, out var limit, out var problem))
        {
            return ApiErrors.BadRequest(http, problem!);
        }

        if (email is not null && (email.Length is 0 or > 320 || !email.Contains('@', StringComparison.Ordinal)))
        {
            return ApiErrors.BadRequest(http, "'email' must be an e-mail address");
        }

        if (!http.Caller().IsRegistryWide && email is null)
        {
            return ApiErrors.Forbidden(http, "a key of an organization looks people up by their exact address: give 'email'");
        }

        var page = await grains.GetGrain<ICatalogGrain>(0).ListUsers(email, offset, limit);
        return TypedResults.Ok(new UserListResponse(ListingPaging.Meta(http, offset, limit, page.HasMore), page.Users));
    }
}
