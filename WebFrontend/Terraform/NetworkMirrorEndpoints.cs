using Microsoft.Extensions.Options;
using OrleansRegistry.Mirroring;
using OrleansRegistry.Terraform;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.Caching;
using OrleansRegistry.WebFrontend.Downloads;
using OrleansRegistry.WebFrontend.Errors;
using OrleansRegistry.WebFrontend.Hosting;

namespace OrleansRegistry.WebFrontend.Terraform;

/// <summary>
/// The provider network mirror protocol under <c>/terraform/providers/</c>: <c>{hostname}/{ns}/{type}/index.json</c>
/// and <c>{version}.json</c>, for the hostnames this registry answers for.
/// </summary>
public static class NetworkMirrorEndpoints
{
    public static IEndpointRouteBuilder MapNetworkMirror(this IEndpointRouteBuilder app)
    {
        var handlers = ActivatorUtilities.CreateInstance<Handlers>(app.ServiceProvider);
        app.MapGet("/terraform/providers/{hostname}/{namespace}/{type}/{file}", handlers.ServeAsync)
            .WithTags("Terraform network mirror").RequireScope(Scopes.ProvidersRead);
        return app;
    }

    /// <summary>The handlers, holding their singletons (a handler parameter resolved from services costs a DI scope per request).</summary>
    private sealed class Handlers(IGrainFactory grains, DocumentCache cache, SignedUrlDocuments documents, IOptions<RegistryOptions> options)
    {
        private readonly HashSet<string> _hostnames = new(
            (options.Value.Hostnames ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.OrdinalIgnoreCase);

        public async ValueTask<IResult> ServeAsync(string hostname, string @namespace, string type, string file, HttpContext http)
        {
            var (address, error) = ProviderProtocolEndpoints.Resolve(http, @namespace, type);
            if (error is not null)
            {
                return error;
            }

            if (!file.EndsWith(".json", StringComparison.Ordinal))
            {
                return ApiErrors.NotFound(http, $"'{file}' is neither index.json nor <version>.json");
            }

            hostname = hostname.ToLowerInvariant();
            var own = Serves(hostname, http);
            var directory = grains.GetGrain<IMirrorDirectoryGrain>(IMirrorDirectoryGrain.Key);
            var route = own ? null : await directory.Route(hostname, address.Namespace, address.Type);
            if (!own && route is null)
            {
                return ApiErrors.NotFound(http, $"this registry mirrors no provider {hostname}/{address.Key}");
            }

            // Our own hostnames serve uploaded providers, then a mirror's copy; other hostnames only mirrored ones.
            var provider = grains.GetGrain<IProviderGrain>(own ? address.Key : route!.ProviderKey);
            async Task<IProviderGrain?> MirroredCopyAsync() =>
                own && await directory.Route(null, address.Namespace, address.Type) is { } copy ? grains.GetGrain<IProviderGrain>(copy.ProviderKey) : null;

            if (file == "index.json")
            {
                var index = route is { PullThrough: true }
                    ? await grains.GetGrain<IMirrorGrain>(route.MirrorId).GetPullThroughIndex(address.Namespace, address.Type)
                    : await provider.GetMirrorIndex() ?? (await MirroredCopyAsync() is { } copy ? await copy.GetMirrorIndex() : null);
                return index is null ? ApiErrors.NotFound(http, $"provider {hostname}/{address.Key} not found") : new ServedDocument(index).Serve(http);
            }

            var requested = file[..^".json".Length];
            var key = DocumentKey.MirrorVersion(requested);
            ValueTask<SignedUrlTemplate?> VersionOf(IProviderGrain grain) =>
                cache.GetAsync(grain, key, requested, static (g, requested, h) => g.GetMirrorVersionTemplate(requested, h));
            var version = await VersionOf(provider) ?? (await MirroredCopyAsync() is { } mirrored ? await VersionOf(mirrored) : null);
            if (version is null && route is { PullThrough: true })
            {
                var pulled = await PullThroughAsync(grains.GetGrain<IMirrorGrain>(route.MirrorId), address, requested, http.RequestAborted);
                if (pulled.Code == OutcomeCode.Failed)
                {
                    return ApiErrors.Problem(http, StatusCodes.Status502BadGateway, $"pull-through of {hostname}/{address.Key} {requested} failed: {pulled.Reason}");
                }

                version = await VersionOf(provider);
            }

            return version is null
                ? ApiErrors.NotFound(http, $"provider {hostname}/{address.Key} has no version {requested}")
                : await documents.RenderAsync(version, RequestOrigin.Of(http.Request), http.RequestAborted);
        }

        /// <summary>Waits for the mirror's fetch of the version, asking again while it is pending (up to five minutes).</summary>
        private static async Task<Outcome> PullThroughAsync(IMirrorGrain mirror, ProviderAddress address, string version, CancellationToken cancellationToken)
        {
            var deadline = DateTimeOffset.UtcNow.AddMinutes(5);
            while (true)
            {
                var result = await mirror.PullThrough(address.Namespace, address.Type, version);
                if (result.Code != OutcomeCode.Pending || DateTimeOffset.UtcNow > deadline || cancellationToken.IsCancellationRequested)
                {
                    return result;
                }
            }
        }

        /// <summary>The configured hostnames (REGISTRY_HOSTNAMES) and the address the request came in on.</summary>
        private bool Serves(string hostname, HttpContext http) =>
            string.Equals(hostname, http.Request.Host.Value, StringComparison.OrdinalIgnoreCase) || _hostnames.Contains(hostname);
    }
}
