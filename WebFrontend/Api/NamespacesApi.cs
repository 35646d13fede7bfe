using OrleansRegistry.Catalog;
using OrleansRegistry.Namespaces;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.Errors;
using OrleansRegistry.WebFrontend.Terraform;

namespace OrleansRegistry.WebFrontend.Api;

public sealed record CreateNamespaceRequest(string? Name);

public sealed record NamespaceListResponse(ListingMeta Meta, NamespaceView[] Namespaces);

public static class NamespacesApi
{
    public static IEndpointRouteBuilder MapNamespacesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/namespaces").WithTags("Namespaces").ProducesDependencyProblems();
        api.MapPost("/", CreateAsync).RequireScope(Scopes.NamespacesWrite).ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict);
        api.MapGet("/", ListAsync).RequireScope(Scopes.NamespacesRead).ProducesProblems(StatusCodes.Status400BadRequest);
        api.MapGet("/{name}", GetAsync).RequireScope(Scopes.NamespacesRead).ProducesProblems(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Created<NamespaceView>, ProblemHttpResult>> CreateAsync(HttpContext http, IGrainFactory grains)
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
            : TypedResults.Created($"/api/v1/namespaces/{name}", created);
    }

    private static async Task<Results<Ok<NamespaceListResponse>, ProblemHttpResult>> ListAsync(HttpContext http, IGrainFactory grains)
    {
        // Pages of up to 100 unless asked otherwise: a script that listed everything before lists were paged sees that much.
        if (!ListingPaging.TryRead(http, ListingPaging.MaxLimit, out var offset, out var limit, out var problem))
        {
            return ApiErrors.BadRequest(http, problem!);
        }

        var page = await grains.GetGrain<ICatalogGrain>(0).ListNamespaces(new NamespaceQuery(http.Caller().Namespaces, offset, limit));
        return TypedResults.Ok(new NamespaceListResponse(ListingPaging.Meta(http, offset, limit, page.HasMore), page.Namespaces));
    }

    private static async Task<Results<Ok<NamespaceView>, ProblemHttpResult>> GetAsync(string name, HttpContext http, IGrainFactory grains)
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
        return view is null ? ApiErrors.NotFound(http, $"namespace '{name}' not found") : TypedResults.Ok(view);
    }
}
