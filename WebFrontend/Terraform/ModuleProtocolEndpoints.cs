using Microsoft.Extensions.Options;
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
        var modules = app.MapGroup("/v1/modules/{namespace}/{name}/{system}").WithTags("Terraform modules").RequireScope(Scopes.ModulesRead);
        modules.MapGet("/versions", VersionsAsync);
        modules.MapGet("/{version}/download", DownloadAsync);
        return app;
    }

    private static async Task<IResult> VersionsAsync(string @namespace, string name, string system, HttpContext http, IGrainFactory grains, DocumentCache cache)
    {
        var (address, error) = Resolve(http, @namespace, name, system);
        if (error is not null)
        {
            return error;
        }

        var module = grains.GetGrain<IModuleGrain>(address.Key);
        var document = await cache.GetAsync(module, "versions", module.GetVersionsDocument);
        return document is null ? ApiErrors.NotFound(http, $"module {address} not found") : CachedDocument.Serve(http, document);
    }

    private static async Task<IResult> DownloadAsync(
        string @namespace, string name, string system, string version, HttpContext http, IGrainFactory grains, UrlSigner signer, IOptions<RegistryOptions> options)
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

        var url = signer.Sign(download.StorageKey, options.Value.SignedUrlLifetime);
        if (download.RootPath is not null)
        {
            // go-getter's subdirectory syntax: the part after '//' (before the query) is the module root.
            var query = url.IndexOf('?', StringComparison.Ordinal);
            url = $"{url[..query]}//{download.RootPath}{url[query..]}";
        }

        http.Response.Headers["X-Terraform-Get"] = url;
        return TypedResults.NoContent();
    }

    /// <summary>Validates the address and the key's namespace.</summary>
    internal static (ModuleAddress Address, IResult? Error) Resolve(HttpContext http, string ns, string name, string system)
    {
        var address = ModuleAddress.TryCreate(ns, name, system, out var problem);
        if (address is null)
        {
            return (default, ApiErrors.NotFound(http, problem!));
        }

        return (address.Value, http.ForbidUnlessNamespace(address.Value.Namespace));
    }
}
