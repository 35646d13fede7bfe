using OrleansRegistry.Catalog;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.Terraform;

/// <summary>
/// The public registry's provider listing (<c>GET /v1/providers?namespace=&amp;offset=&amp;limit=</c>), paged with
/// <c>meta</c>: uploaded and mirrored providers alike. Another registry mirroring <c>namespace/*</c> from this one
/// enumerates the namespace with it.
/// </summary>
public static class ProviderListingEndpoints
{
    private const int DefaultLimit = 15;
    private const int MaxLimit = 100;

    public static IEndpointRouteBuilder MapProviderListing(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/providers", ListAsync).WithTags("Terraform providers").RequireScope(Scopes.ProvidersRead);
        return app;
    }

    private static async Task<IResult> ListAsync(HttpContext http, IGrainFactory grains)
    {
        var query = http.Request.Query;
        if (!ModuleListingEndpoints.TryInt(query["offset"], 0, int.MaxValue, 0, out var offset)
            || !ModuleListingEndpoints.TryInt(query["limit"], 1, MaxLimit, DefaultLimit, out var limit))
        {
            return ApiErrors.BadRequest(http, $"'offset' must be a non-negative integer and 'limit' an integer from 1 to {MaxLimit}");
        }

        var ns = query["namespace"].FirstOrDefault()?.ToLowerInvariant();
        if (ns is not null && (Names.Problem("namespace", ns) is { } invalid))
        {
            return ApiErrors.BadRequest(http, invalid);
        }

        if (ns is not null && http.ForbidUnlessNamespace(ns) is { } forbidden)
        {
            return forbidden;
        }

        var page = await grains.GetGrain<ICatalogGrain>(0).ListProviders(new ProviderQuery(ns, http.Caller().Namespaces, offset, limit));
        var next = page.HasMore ? offset + limit : (int?)null;
        return TypedResults.Json(new
        {
            meta = new
            {
                limit,
                current_offset = offset,
                next_offset = next,
                prev_offset = offset > 0 ? Math.Max(0, offset - limit) : (int?)null,
                next_url = next is null ? null : $"{http.Request.Path}?{ModuleListingEndpoints.PagedQuery(http, next.Value, limit)}",
            },
            providers = page.Providers.Select(p => new
            {
                id = $"{p.Namespace}/{p.Type}/{p.LatestVersion}",
                owner = p.Namespace,
                @namespace = p.Namespace,
                name = p.Type,
                alias = p.Type,
                version = p.LatestVersion,
                published_at = p.PublishedAt,
            }),
        }, FrontendJson.Options);
    }
}
