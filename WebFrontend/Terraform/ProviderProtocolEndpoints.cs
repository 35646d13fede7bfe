using OrleansRegistry.Mirroring;
using OrleansRegistry.Terraform;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.Caching;
using OrleansRegistry.WebFrontend.Downloads;
using OrleansRegistry.WebFrontend.Errors;
using OrleansRegistry.WebFrontend.Hosting;

namespace OrleansRegistry.WebFrontend.Terraform;

/// <summary>A provider address <c>namespace/type</c>, which is also its grain key.</summary>
public readonly record struct ProviderAddress(string Namespace, string Type)
{
    public string Key => $"{Namespace}/{Type}";
}

/// <summary>The provider registry protocol: versions and per-platform download documents.</summary>
public static class ProviderProtocolEndpoints
{
    public static IEndpointRouteBuilder MapProviderProtocol(this IEndpointRouteBuilder app)
    {
        var providers = app.MapGroup("/v1/providers/{namespace}/{type}").WithTags("Terraform providers").RequireScope(Scopes.ProvidersRead);
        var handlers = ActivatorUtilities.CreateInstance<Handlers>(app.ServiceProvider);
        providers.MapGet("/versions", handlers.VersionsAsync);
        providers.MapGet("/{version}/download/{os}/{arch}", handlers.DownloadAsync);
        return app;
    }

    /// <summary>Validates the address and the key's namespace (404, or 400 for form input).</summary>
    internal static (ProviderAddress Address, ProblemHttpResult? Error) Resolve(HttpContext http, string ns, string type, bool badRequest = false)
    {
        ns = ns.ToLowerInvariant();
        type = type.ToLowerInvariant();
        var problem = Names.Problem("namespace", ns) ?? Names.Problem("type", type);
        if (problem is not null)
        {
            return (default, badRequest ? ApiErrors.BadRequest(http, problem) : ApiErrors.NotFound(http, problem));
        }

        return (new ProviderAddress(ns, type), http.ForbidUnlessNamespace(ns));
    }

    /// <summary>The handlers, holding their singletons (a handler parameter resolved from services costs a DI scope per request).</summary>
    private sealed class Handlers(IGrainFactory grains, DocumentCache cache, SignedUrlDocuments documents)
    {
        public async ValueTask<IResult> VersionsAsync(string @namespace, string type, HttpContext http)
        {
            var (address, error) = Resolve(http, @namespace, type);
            if (error is not null)
            {
                return error;
            }

            var document = await VersionsOf(grains.GetGrain<IProviderGrain>(address.Key))
                ?? (await MirroredAsync(address) is { } mirrored ? await VersionsOf(mirrored) : null);
            return document is null ? ApiErrors.NotFound(http, $"provider {address.Key} not found") : document.Serve(http);

            ValueTask<ServedDocument?> VersionsOf(IProviderGrain provider) =>
                cache.GetAsync(provider, DocumentKey.Versions, static (p, h) => ServedDocument.Of(p.GetVersionsDocument(h)));
        }

        public async ValueTask<IResult> DownloadAsync(string @namespace, string type, string version, string os, string arch, HttpContext http)
        {
            var (address, error) = Resolve(http, @namespace, type);
            if (error is not null)
            {
                return error;
            }

            var key = DocumentKey.Download(version, os, arch);
            var download = await DownloadOf(grains.GetGrain<IProviderGrain>(address.Key))
                ?? (await MirroredAsync(address) is { } mirrored ? await DownloadOf(mirrored) : null);
            if (download is null)
            {
                return ApiErrors.NotFound(http, $"provider {address.Key} has no version {version} for {os}_{arch}");
            }

            // Terraform sends no token to these URLs, so each carries its own short-lived signature.
            return await documents.RenderAsync(download, RequestOrigin.Of(http.Request), http.RequestAborted);

            ValueTask<SignedUrlTemplate?> DownloadOf(IProviderGrain provider) =>
                cache.GetAsync(provider, key, key, static (p, key, h) => p.GetDownloadTemplate(key.Subject!, key.Os!, key.Arch!, h));
        }

        /// <summary>No uploaded provider has this address: a mirror's copy of it, if a mirror covers it.</summary>
        private async Task<IProviderGrain?> MirroredAsync(ProviderAddress address) =>
            await grains.GetGrain<IMirrorDirectoryGrain>(IMirrorDirectoryGrain.Key).Route(null, address.Namespace, address.Type) is { } route
                ? grains.GetGrain<IProviderGrain>(route.ProviderKey)
                : null;
    }
}
