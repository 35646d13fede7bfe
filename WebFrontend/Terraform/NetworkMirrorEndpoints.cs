using Microsoft.Extensions.Options;
using OrleansRegistry.Terraform;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.Downloads;
using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.Terraform;

/// <summary>
/// The provider network mirror protocol under <c>/terraform/providers/</c>: <c>{hostname}/{ns}/{type}/index.json</c>
/// and <c>{version}.json</c>, for the hostnames this registry answers for.
/// </summary>
public static class NetworkMirrorEndpoints
{
    public static IEndpointRouteBuilder MapNetworkMirror(this IEndpointRouteBuilder app)
    {
        app.MapGet("/terraform/providers/{hostname}/{namespace}/{type}/{file}", ServeAsync)
            .WithTags("Terraform network mirror").RequireScope(Scopes.ProvidersRead);
        return app;
    }

    private static async Task<IResult> ServeAsync(
        string hostname, string @namespace, string type, string file, HttpContext http, IGrainFactory grains, UrlSigner signer, IOptions<RegistryOptions> options)
    {
        if (!Serves(hostname, http, options.Value))
        {
            return ApiErrors.NotFound(http, $"this registry mirrors no providers of host '{hostname}'");
        }

        var (address, error) = ProviderProtocolEndpoints.Resolve(http, @namespace, type);
        if (error is not null)
        {
            return error;
        }

        if (!file.EndsWith(".json", StringComparison.Ordinal))
        {
            return ApiErrors.NotFound(http, $"'{file}' is neither index.json nor <version>.json");
        }

        var provider = grains.GetGrain<IProviderGrain>(address.Key);
        if (file == "index.json")
        {
            var index = await provider.GetMirrorIndex();
            return index is null ? ApiErrors.NotFound(http, $"provider {hostname}/{address.Key} not found") : CachedDocument.Serve(http, index);
        }

        var version = await provider.GetVersion(file[..^".json".Length]);
        if (version is null)
        {
            return ApiErrors.NotFound(http, $"provider {hostname}/{address.Key} has no version {file[..^".json".Length]}");
        }

        var archives = version.Platforms.ToDictionary(
            p => $"{p.Os}_{p.Arch}",
            p => new
            {
                url = $"{http.Request.Scheme}://{http.Request.Host}{signer.Sign(p.StorageKey, options.Value.SignedUrlLifetime)}",
                hashes = new[] { p.H1, $"zh:{p.Sha256}" },
            });
        return TypedResults.Json(new { archives }, FrontendJson.Options);
    }

    /// <summary>The configured hostnames (REGISTRY_HOSTNAMES) and the address the request came in on.</summary>
    private static bool Serves(string hostname, HttpContext http, RegistryOptions options) =>
        string.Equals(hostname, http.Request.Host.Value, StringComparison.OrdinalIgnoreCase)
        || (options.Hostnames ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Contains(hostname, StringComparer.OrdinalIgnoreCase);
}
