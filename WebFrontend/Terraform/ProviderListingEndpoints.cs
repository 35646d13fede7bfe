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

    public static IEndpointRouteBuilder MapProviderListing(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/providers", ListAsync).WithTags("Terraform providers").RequireScope(Scopes.ProvidersRead);
        return app;
    }

    private static async Task<IResult> ListAsync(HttpContext http, IGrainFactory grains)
    {
        if (!ListingPaging.TryRead(http, out var offset, out var limit, out var problem))
        {
            return ApiErrors.BadRequest(http, problem!);
        }

        var ns = http.Request.Query["namespace"].FirstOrDefault()?.ToLowerInvariant();
        if (ns is not null && (Names.Problem("namespace", ns) is { } invalid))
        {
            return ApiErrors.BadRequest(http, invalid);
        }

        if (ns is not null && http.ForbidUnlessNamespace(ns) is { } forbidden)
        {
            return forbidden;
        }

        var page = await grains.GetGrain<ICatalogGrain>(0).ListProviders(new ProviderQuery(ns, http.Caller().Namespaces, offset, limit));
        return TypedResults.Json(new
        {
            meta = ListingPaging.Meta(http, offset, limit, page.HasMore),
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
