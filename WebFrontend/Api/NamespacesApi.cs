using OrleansRegistry.Catalog;
using OrleansRegistry.Namespaces;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.Errors;
using OrleansRegistry.WebFrontend.Terraform;

namespace OrleansRegistry.WebFrontend.Api;

public sealed record CreateNamespaceRequest(string? Name);

public static class NamespacesApi
{
    public static IEndpointRouteBuilder MapNamespacesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/namespaces").WithTags("Namespaces");
        api.MapPost("/", CreateAsync).RequireScope(Scopes.NamespacesWrite);
        api.MapGet("/", ListAsync).RequireScope(Scopes.NamespacesRead);
        api.MapGet("/{name}", GetAsync).RequireScope(Scopes.NamespacesRead);
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, IGrainFactory grains)
    {
        var (request, problem) = await FrontendJson.ReadAsync<CreateNamespaceRequest>(http.Request);
        if (request is null)
        {
            return ApiErrors.BadRequest(http, problem!);
        }

        var name = request.Name?.Trim() ?? "";
        if (Names.Problem("name", name) is { } invalid)
        {
            return ApiErrors.BadRequest(http, invalid);
        }

        if (http.ForbidUnlessNamespace(name) is { } forbidden)
        {
            return forbidden;
        }

        var created = await grains.GetGrain<INamespaceGrain>(name).Create(http.Caller().AsActor());
        return created is null
            ? ApiErrors.Conflict(http, $"namespace '{name}' already exists")
            : TypedResults.Json(created, FrontendJson.Options, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListAsync(HttpContext http, IGrainFactory grains)
    {
        // Pages of up to 100 unless asked otherwise: a script that listed everything before lists were paged sees that much.
        if (!ListingPaging.TryRead(http, ListingPaging.MaxLimit, out var offset, out var limit, out var problem))
        {
            return ApiErrors.BadRequest(http, problem!);
        }

        var page = await grains.GetGrain<ICatalogGrain>(0).ListNamespaces(new NamespaceQuery(http.Caller().Namespaces, offset, limit));
        return TypedResults.Json(new { meta = ListingPaging.Meta(http, offset, limit, page.HasMore), namespaces = page.Namespaces }, FrontendJson.Options);
    }

    private static async Task<IResult> GetAsync(string name, HttpContext http, IGrainFactory grains)
    {
        name = name.ToLowerInvariant();
        if (!Names.IsValidSegment(name))
        {
            return ApiErrors.NotFound(http, $"namespace '{name}' not found");
        }

        if (http.ForbidUnlessNamespace(name) is { } forbidden)
        {
            return forbidden;
        }

        var view = await grains.GetGrain<INamespaceGrain>(name).Get();
        return view is null ? ApiErrors.NotFound(http, $"namespace '{name}' not found") : TypedResults.Json(view, FrontendJson.Options);
    }
}
