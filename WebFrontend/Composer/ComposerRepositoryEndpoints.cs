using System.Text.Json;
using Microsoft.Extensions.Options;
using OrleansRegistry.Catalog;
using OrleansRegistry.Composer;
using OrleansRegistry.Mirroring;
using OrleansRegistry.Storage;
using OrleansRegistry.WebFrontend.Api;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.Caching;
using OrleansRegistry.WebFrontend.Downloads;
using OrleansRegistry.WebFrontend.Errors;
using OrleansRegistry.WebFrontend.Hosting;

namespace OrleansRegistry.WebFrontend.Composer;

/// <summary>
/// The Composer 2 repository: packages.json, p2 metadata, dists, list, search and notify-batch. A key limited to
/// namespaces sees only those vendors; other vendors' packages answer 404, as if they did not exist. A key limited to
/// package patterns sees only the packages they match: others are 404 in metadata, left out of packages.json, list and
/// search, and 403 as dists (a locked dist URL outside the patterns is refused, not reported missing).
/// </summary>
public static class ComposerRepositoryEndpoints
{
    public static IEndpointRouteBuilder MapComposerRepository(this IEndpointRouteBuilder app)
    {
        var handlers = ActivatorUtilities.CreateInstance<Handlers>(app.ServiceProvider);
        var repo = app.MapGroup("").WithTags("Composer")
            // Composer 1 is retired: its requests get a clear 400 instead of half-working metadata.
            .RejectClient("Composer/1.", "Composer 1 is not supported by this repository; upgrade to Composer 2 (composer self-update --2)")
            .RequireScope(Scopes.PackagesRead);
        repo.MapGet("/packages.json", handlers.PackagesJsonAsync);
        repo.MapGet("/p2/{vendor}/{file}", handlers.MetadataAsync);
        // The version may hold slashes (a branch like dev-feature/x): the file is the last segment.
        repo.MapMethods("/dists/{vendor}/{name}/{**versionAndFile}", [HttpMethods.Get, HttpMethods.Head], handlers.DistAsync);
        repo.MapGet("/packages/list.json", handlers.ListAsync);
        repo.MapGet("/search.json", handlers.SearchAsync);
        // As a Delegate, not a RequestDelegate (which it matches): the IResult it returns is what gets written.
        repo.MapPost("/downloads", (Delegate)handlers.NotifyBatchAsync);
        return app;
    }

    /// <summary>
    /// The handlers, holding their singletons: a handler parameter resolved from services makes every request create
    /// a DI scope (see docs/performance.md#per-request-allocations).
    /// </summary>
    private sealed class Handlers(IGrainFactory grains, DocumentCache cache, IArtifactStore store, DistContents contents, ArtifactLinks links, IOptions<RegistryOptions> options)
    {
        private const int MaxListed = 10_000;

        public async ValueTask<IResult> PackagesJsonAsync(HttpContext http)
        {
            // One packages.json per set of visible vendors and package patterns.
            var (vendors, patterns) = (http.Caller().Namespaces, http.Caller().PackagePatterns);
            var key = DocumentKey.PackagesJson(
                vendors is null ? null : string.Join(',', vendors.Order(StringComparer.Ordinal)),
                patterns is null ? null : string.Join(',', patterns.Order(StringComparer.Ordinal)));
            var document = await cache.GetAsync(grains.GetGrain<IComposerCatalogGrain>(0), key, (vendors, patterns),
                static async (catalog, arg, h) => new ServedDocument(await catalog.GetPackagesJson(arg.vendors, h, arg.patterns)));
            return document!.Serve(http);
        }

        public async ValueTask<IResult> MetadataAsync(string vendor, string file, HttpContext http)
        {
            var dev = file.EndsWith("~dev.json", StringComparison.Ordinal);
            var json = file.EndsWith(".json", StringComparison.Ordinal);
            var name = json ? file.AsSpan(0, file.Length - (dev ? "~dev.json".Length : ".json".Length)) : default;
            var package = string.Concat(vendor, "/", name).ToLowerInvariant();
            if (!json || !ComposerNames.IsValid(package) || !http.Caller().CanAccessNamespace(vendor.ToLowerInvariant()) || !http.Caller().CanAccessPackage(package))
            {
                return ApiErrors.NotFound(http, $"package {package} not found");
            }

            var baseUrl = options.Value.PublicUrl ?? RequestOrigin.Of(http.Request);
            var own = grains.GetGrain<IComposerPackageGrain>(package);
            var route = await ComposerRoute.ResolveAsync(cache, grains, own, package);
            var key = DocumentKey.ComposerMetadata(dev, baseUrl);
            var document = route!.Private
                ? await cache.GetAsync(own, key, (dev, baseUrl), static (own, arg, h) => ServedDocument.Of(own.GetMetadata(arg.dev, arg.baseUrl, h)))
                : route.MirrorPackage is { } mirrored
                    ? await cache.GetAsync(grains.GetGrain<IComposerMirrorPackageGrain>(mirrored), key, (dev, baseUrl),
                        static (proxy, arg, h) => ServedDocument.Of(proxy.GetMetadata(arg.dev, arg.baseUrl, h)))
                    : null;
            return document is null ? ApiErrors.NotFound(http, $"package {package} has no {(dev ? "dev " : "")}versions") : document.Serve(http);
        }

        public async ValueTask<IResult> DistAsync(string vendor, string name, string versionAndFile, HttpContext http)
        {
            var package = $"{vendor}/{name}".ToLowerInvariant();
            var slash = versionAndFile.LastIndexOf('/');
            var version = slash > 0 ? versionAndFile[..slash] : "";
            var file = versionAndFile[(slash + 1)..];
            if (version.Length == 0 || !file.EndsWith(".zip", StringComparison.Ordinal) || !ComposerNames.IsValid(package) || !http.Caller().CanAccessNamespace(vendor.ToLowerInvariant()))
            {
                return ApiErrors.NotFound(http, "dist not found");
            }

            if (http.PackageRefusal(package) is { } refusal)
            {
                return refusal.ToProblem(http);
            }

            var reference = file[..^".zip".Length];
            var own = grains.GetGrain<IComposerPackageGrain>(package);
            var route = await ComposerRoute.ResolveAsync(cache, grains, own, package);
            var distKey = DocumentKey.ComposerDist(version, reference);
            var arg = (Version: version, Reference: reference, Store: store);
            DistFile? dist = null;
            if (route!.Private)
            {
                dist = await cache.GetAsync(own, distKey, arg, static async (own, arg, h) => await DistFile.LoadAsync(arg.Store, await own.GetDist(arg.Version, arg.Reference, h)));
            }
            else if (route.MirrorPackage is { } mirrored)
            {
                var proxy = grains.GetGrain<IComposerMirrorPackageGrain>(mirrored);
                dist = await cache.GetAsync(proxy, distKey, arg, static async (proxy, arg, h) =>
                    await proxy.GetDist(arg.Version, arg.Reference, h) is { Code: OutcomeCode.Done, Value: var stored } ? await DistFile.LoadAsync(arg.Store, stored) : null);
                if (dist is null)
                {
                    // Not stored yet: fetched from the upstream now (once, however many ask), then served from the store.
                    var fetched = await FetchMirroredDistAsync(proxy, version, reference, http.RequestAborted);
                    if (fetched.Code == OutcomeCode.Failed)
                    {
                        return ApiErrors.Problem(http, StatusCodes.Status502BadGateway, fetched.Reason ?? "the upstream dist could not be fetched");
                    }

                    dist = await DistFile.LoadAsync(store, fetched.Value);
                }
            }

            return dist is null ? ApiErrors.NotFound(http, $"no dist {file} for {package} {version}") : await dist.ServeAsync(http, store, contents, links);
        }

        /// <summary>Waits for the mirror's first fetch of a dist, asking again while it is pending (up to five minutes).</summary>
        private static async Task<Outcome<string>> FetchMirroredDistAsync(IComposerMirrorPackageGrain mirrored, string version, string reference, CancellationToken cancellationToken)
        {
            var deadline = DateTimeOffset.UtcNow.AddMinutes(5);
            while (true)
            {
                var result = await mirrored.GetDist(version, reference, holder: null);
                if (result.Code != OutcomeCode.Pending || DateTimeOffset.UtcNow > deadline || cancellationToken.IsCancellationRequested)
                {
                    return result;
                }
            }
        }

        public async Task<IResult> ListAsync(HttpContext http, string? filter)
        {
            if (QueryText.Problem("filter", filter) is { } problem)
            {
                return ApiErrors.BadRequest(http, problem);
            }

            var pattern = string.IsNullOrEmpty(filter) ? null : filter.Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal).Replace('*', '%');
            var list = await grains.GetGrain<ICatalogGrain>(0).ListComposerPackages(http.Caller().Namespaces, pattern, MaxListed, http.Caller().PackagePatterns);
            return TypedResults.Json(new Dictionary<string, object> { ["packageNames"] = list.Packages.Select(p => p.Name) });
        }

        public async Task<IResult> SearchAsync(HttpContext http, string? q)
        {
            if (QueryText.Problem("q", q) is { } problem)
            {
                return ApiErrors.BadRequest(http, problem);
            }

            var pattern = $"%{(q ?? "").Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal)}%";
            var list = await grains.GetGrain<ICatalogGrain>(0).ListComposerPackages(http.Caller().Namespaces, pattern, 100, http.Caller().PackagePatterns);
            var results = list.Packages.Select(p => new Dictionary<string, object?>
            {
                ["name"] = p.Name,
                ["description"] = p.Description ?? "",
                ["url"] = $"/p2/{p.Name}.json",
                ["repository"] = "",
                ["downloads"] = p.Installs,
                ["favers"] = 0,
                ["abandoned"] = p.Abandoned is null ? null : p.Abandoned.Length == 0 ? true : p.Abandoned,
            });
            return TypedResults.Json(new { results, total = list.Packages.Length });
        }

        /// <summary>Composer reports installs here (<c>{"downloads":[{"name","version"}]}</c>, normalized versions).</summary>
        public async Task<IResult> NotifyBatchAsync(HttpContext http)
        {
            JsonDocument body;
            try
            {
                body = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
            }
            catch (JsonException e)
            {
                return ApiErrors.BadRequest(http, $"invalid JSON: {e.Message}");
            }

            using (body)
            {
                if (body.RootElement.ValueKind != JsonValueKind.Object || !body.RootElement.TryGetProperty("downloads", out var downloads)
                    || downloads.ValueKind != JsonValueKind.Array || downloads.EnumerateArray().Any(d => d.ValueKind != JsonValueKind.Object))
                {
                    return ApiErrors.BadRequest(http, "expected {\"downloads\": [{\"name\": \"vendor/package\", \"version\": \"1.0.0.0\"}, ...]}");
                }

                // Entries for packages this key cannot see, or that are not packages, are not counted (nor an error: the
                // report is informational, and Composer sends it after the install succeeded).
                foreach (var download in downloads.EnumerateArray().Take(1000))
                {
                    var name = download.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()!.ToLowerInvariant() : null;
                    var version = download.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                    if (name is not null && version is not null && ComposerNames.IsValid(name) && http.Caller().CanAccessNamespace(name.Split('/')[0]) && http.Caller().CanAccessPackage(name))
                    {
                        await grains.GetGrain<IComposerPackageGrain>(name).CountInstall(version);
                    }
                }
            }

            return TypedResults.Json(new { status = "success" });
        }
    }
}
