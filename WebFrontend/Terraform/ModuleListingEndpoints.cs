using OrleansRegistry.Catalog;
using OrleansRegistry.Terraform;
using OrleansRegistry.WebFrontend.Api;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.Terraform;

/// <summary>The public-registry style listing API (<c>/v1/modules</c>, search, details), paged with <c>meta</c>.</summary>
public static class ModuleListingEndpoints
{

    public static IEndpointRouteBuilder MapModuleListing(this IEndpointRouteBuilder app)
    {
        var modules = app.MapGroup("/v1/modules").WithTags("Terraform modules").RequireScope(Scopes.ModulesRead);
        modules.MapGet("/", (HttpContext http, IGrainFactory grains) => ListAsync(http, grains, null, null, null));
        modules.MapGet("/search", (string? q, HttpContext http, IGrainFactory grains) =>
            string.IsNullOrWhiteSpace(q) ? Task.FromResult<IResult>(ApiErrors.BadRequest(http, "query parameter 'q' is required")) : ListAsync(http, grains, null, null, q.Trim()));
        modules.MapGet("/{namespace}", (string @namespace, HttpContext http, IGrainFactory grains) => ListAsync(http, grains, @namespace.ToLowerInvariant(), null, null));
        modules.MapGet("/{namespace}/{name}", (string @namespace, string name, HttpContext http, IGrainFactory grains) =>
            ListAsync(http, grains, @namespace.ToLowerInvariant(), null, $"/{name.ToLowerInvariant()}/"));
        modules.MapGet("/{namespace}/{name}/{system}", (string @namespace, string name, string system, HttpContext http, IGrainFactory grains) =>
            DetailsAsync(http, grains, @namespace, name, system, null));
        modules.MapGet("/{namespace}/{name}/{system}/{version}", (string @namespace, string name, string system, string version, HttpContext http, IGrainFactory grains) =>
            DetailsAsync(http, grains, @namespace, name, system, version));
        return app;
    }

    private static async Task<IResult> ListAsync(HttpContext http, IGrainFactory grains, string? ns, string? system, string? search)
    {
        if (!ListingPaging.TryRead(http, out var offset, out var limit, out var problem))
        {
            return ApiErrors.BadRequest(http, problem!);
        }

        var query = http.Request.Query;

        system ??= query["provider"].FirstOrDefault()?.ToLowerInvariant();
        if ((QueryText.Problem("q", search) ?? QueryText.Problem("provider", system) ?? QueryText.Problem("namespace", ns)) is { } text)
        {
            return ApiErrors.BadRequest(http, text);
        }

        if (ns is not null && http.ForbidUnlessNamespace(ns) is { } forbidden)
        {
            return forbidden;
        }

        var caller = http.Caller();
        var page = await grains.GetGrain<ICatalogGrain>(0).ListModules(new ModuleQuery(ns, search, system, caller.Namespaces, offset, limit));
        return TypedResults.Json(new
        {
            meta = ListingPaging.Meta(http, offset, limit, page.HasMore),
            modules = page.Modules.Select(m => new
            {
                id = $"{m.Namespace}/{m.Name}/{m.System}/{m.LatestVersion}",
                owner = m.Namespace,
                @namespace = m.Namespace,
                name = m.Name,
                version = m.LatestVersion,
                provider = m.System,
                description = m.Description ?? "",
                source = "",
                published_at = m.PublishedAt,
                downloads = m.Downloads,
                verified = false,
            }),
        }, FrontendJson.Options);
    }

    private static async Task<IResult> DetailsAsync(HttpContext http, IGrainFactory grains, string ns, string name, string system, string? version)
    {
        var (address, error) = ModuleProtocolEndpoints.Resolve(http, ns, name, system);
        if (error is not null)
        {
            return error;
        }

        var details = await grains.GetGrain<IModuleGrain>(address.Key).GetDetails(version);
        if (details is null)
        {
            return ApiErrors.NotFound(http, version is null ? $"module {address} not found" : $"version {version} of module {address} not found");
        }

        var v = details.Version;
        return TypedResults.Json(new
        {
            id = $"{address}/{v.Version}",
            owner = details.Namespace,
            @namespace = details.Namespace,
            name = details.Name,
            version = v.Version,
            provider = details.System,
            description = "",
            source = "",
            published_at = v.PublishedAt,
            downloads = details.Downloads,
            verified = false,
            deprecation = v.Deprecation is null ? null : new { reason = v.Deprecation.Reason, link = v.Deprecation.Link },
            root = ModuleRootJson.From(details),
            submodules = Array.Empty<object>(),
            providers = new[] { details.System },
            versions = details.Versions,
            sha256 = v.Sha256,
            size = v.Size,
        }, FrontendJson.Options);
    }
}
