using OrleansRegistry.Terraform;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.Caching;
using OrleansRegistry.WebFrontend.Downloads;
using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.Terraform;

/// <summary>The module registry protocol that <c>terraform init</c> speaks: versions and download.</summary>
public static class ModuleProtocolEndpoints
{
    public static IEndpointRouteBuilder MapModuleProtocol(this IEndpointRouteBuilder app)
    {
        var handlers = ActivatorUtilities.CreateInstance<Handlers>(app.ServiceProvider);
        var modules = app.MapGroup("/v1/modules/{namespace}/{name}/{system}").WithTags("Terraform modules").RequireScope(Scopes.ModulesRead);
        modules.MapGet("/versions", handlers.VersionsAsync);
        modules.MapGet("/{version}/download", handlers.DownloadAsync);
        return app;
    }

    /// <summary>Validates the address and the key's namespace.</summary>
    internal static (ModuleAddress Address, ProblemHttpResult? Error) Resolve(HttpContext http, string ns, string name, string system)
    {
        var address = ModuleAddress.TryCreate(ns, name, system, out var problem);
        if (address is null)
        {
            return (default, ApiErrors.NotFound(http, problem!));
        }

        return (address.Value, http.ForbidUnlessNamespace(address.Value.Namespace));
    }

    /// <summary>The handlers, holding their singletons (a handler parameter resolved from services costs a DI scope per request).</summary>
    private sealed class Handlers(IGrainFactory grains, DocumentCache cache, ArtifactLinks links)
    {
        public async ValueTask<IResult> VersionsAsync(string @namespace, string name, string system, HttpContext http)
        {
            var (address, error) = Resolve(http, @namespace, name, system);
            if (error is not null)
            {
                return error;
            }

            var document = await cache.GetAsync(grains.GetGrain<IModuleGrain>(address.Key), DocumentKey.Versions,
                static (module, h) => ServedDocument.Of(module.GetVersionsDocument(h)));
            return document is null ? ApiErrors.NotFound(http, $"module {address} not found") : document.Serve(http);
        }

        public async Task<IResult> DownloadAsync(string @namespace, string name, string system, string version, HttpContext http)
        {
            var (address, error) = Resolve(http, @namespace, name, system);
            if (error is not null)
            {
                return error;
            }

            var download = await grains.GetGrain<IModuleGrain>(address.Key).Download(version);
            if (download is null)
            {
                return ApiErrors.NotFound(http, $"version {version} of module {address} not found");
            }

            var url = await links.LinkAsync(download.StorageKey, "", links.ExpiryNow(), http.RequestAborted);
            if (download.RootPath is not null)
            {
                // go-getter's subdirectory syntax: the part after '//' (before the query) is the module root.
                var query = url.IndexOf('?', StringComparison.Ordinal) is var at and >= 0 ? at : url.Length;
                url = $"{url[..query]}//{download.RootPath}{url[query..]}";
            }

            http.Response.Headers["X-Terraform-Get"] = url;
            return StatusResult.NoContent;
        }
    }
}
