using System.Text.Json;
using Microsoft.Extensions.Options;
using OrleansRegistry.Catalog;
using OrleansRegistry.Composer;
using OrleansRegistry.Mirroring;
using OrleansRegistry.Storage;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.Caching;
using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.Composer;

/// <summary>
/// The Composer 2 repository: packages.json, p2 metadata, dists, list, search and notify-batch. A key limited to
/// namespaces sees only those vendors; other vendors' packages answer 404, as if they did not exist.
/// </summary>
public static class ComposerRepositoryEndpoints
{
    private const int MaxListed = 10_000;

    public static IEndpointRouteBuilder MapComposerRepository(this IEndpointRouteBuilder app)
    {
        var repo = app.MapGroup("").WithTags("Composer")
            // Composer 1 is retired: its requests get a clear 400 instead of half-working metadata.
            .RejectClient("Composer/1.", "Composer 1 is not supported by this repository; upgrade to Composer 2 (composer self-update --2)")
            .RequireScope(Scopes.PackagesRead);
        repo.MapGet("/packages.json", PackagesJsonAsync);
        repo.MapGet("/p2/{vendor}/{file}", MetadataAsync);
        repo.MapMethods("/dists/{vendor}/{name}/{version}/{file}", [HttpMethods.Get, HttpMethods.Head], DistAsync);
        repo.MapGet("/packages/list.json", ListAsync);
        repo.MapGet("/search.json", SearchAsync);
        repo.MapPost("/downloads", NotifyBatchAsync);
        return app;
    }

    private static async Task<IResult> PackagesJsonAsync(HttpContext http, IGrainFactory grains, DocumentCache cache)
    {
        // One packages.json per set of visible vendors.
        var vendors = http.Caller().Namespaces;
        var catalog = grains.GetGrain<IComposerCatalogGrain>(0);
        var name = vendors is null ? "packages.json" : $"packages.json {string.Join(',', vendors.Order(StringComparer.Ordinal))}";
        return CachedDocument.Serve(http, (await cache.GetAsync(catalog, name, async h => await catalog.GetPackagesJson(vendors, h)))!);
    }

    private static async Task<IResult> MetadataAsync(string vendor, string file, HttpContext http, IGrainFactory grains, DocumentCache cache, IOptions<RegistryOptions> options)
    {
        var dev = file.EndsWith("~dev.json", StringComparison.Ordinal);
        var name = file.EndsWith(".json", StringComparison.Ordinal) ? file[..^(dev ? "~dev.json".Length : ".json".Length)] : null;
        var package = $"{vendor}/{name}".ToLowerInvariant();
        if (name is null || !ComposerNames.IsValid(package) || !http.Caller().CanAccessNamespace(vendor.ToLowerInvariant()))
        {
            return ApiErrors.NotFound(http, $"package {package} not found");
        }

        var baseUrl = options.Value.PublicUrl ?? $"{http.Request.Scheme}://{http.Request.Host}";
        var own = grains.GetGrain<IComposerPackageGrain>(package);
        var document = await cache.GetAsync(own, dev ? $"p2~dev {baseUrl}" : $"p2 {baseUrl}", h => own.GetMetadata(dev, baseUrl, h))
            ?? (await MirroredAsync(grains, package) is { } mirrored ? await mirrored.GetMetadata(dev, baseUrl) : null);
        return document is null ? ApiErrors.NotFound(http, $"package {package} has no {(dev ? "dev " : "")}versions") : CachedDocument.Serve(http, document);
    }

    private static async Task<IResult> DistAsync(string vendor, string name, string version, string file, HttpContext http, IGrainFactory grains, IArtifactStore store)
    {
        var package = $"{vendor}/{name}".ToLowerInvariant();
        if (!file.EndsWith(".zip", StringComparison.Ordinal) || !ComposerNames.IsValid(package) || !http.Caller().CanAccessNamespace(vendor.ToLowerInvariant()))
        {
            return ApiErrors.NotFound(http, "dist not found");
        }

        var reference = file[..^".zip".Length];
        var key = await grains.GetGrain<IComposerPackageGrain>(package).GetDist(version, reference);
        if (key is null && await MirroredAsync(grains, package) is { } mirrored)
        {
            var fetched = await FetchMirroredDistAsync(mirrored, version, reference, http.RequestAborted);
            if (fetched.Status == DistStatus.Failed)
            {
                return ApiErrors.Result(http, StatusCodes.Status502BadGateway, fetched.Error ?? "the upstream dist could not be fetched");
            }

            key = fetched.StorageKey;
        }

        if (key is null)
        {
            return ApiErrors.NotFound(http, $"no dist {file} for {package} {version}");
        }

        var path = store.TryGetLocalPath(key);

        if (path is not null)
        {
            return TypedResults.PhysicalFile(path, "application/zip", enableRangeProcessing: true);
        }

        var stream = await store.OpenReadAsync(key, http.RequestAborted);
        return stream is null ? ApiErrors.NotFound(http, "the dist no longer exists") : TypedResults.Stream(stream, "application/zip");
    }

    /// <summary>A mirrored package, unless a private package of that name exists (which shadows it).</summary>
    private static async Task<IComposerMirrorPackageGrain?> MirroredAsync(IGrainFactory grains, string package)
    {
        if (await grains.GetGrain<IComposerPackageGrain>(package).Exists())
        {
            return null;
        }

        var mirror = await grains.GetGrain<IMirrorDirectoryGrain>(IMirrorDirectoryGrain.Key).RouteComposer(package);
        return mirror is null ? null : grains.GetGrain<IComposerMirrorPackageGrain>($"{mirror}/{package}");
    }

    /// <summary>Waits for the mirror's first fetch of a dist, asking again while it is pending (up to five minutes).</summary>
    private static async Task<DistResult> FetchMirroredDistAsync(IComposerMirrorPackageGrain mirrored, string version, string reference, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow.AddMinutes(5);
        while (true)
        {
            var result = await mirrored.GetDist(version, reference);
            if (result.Status != DistStatus.Pending || DateTimeOffset.UtcNow > deadline || cancellationToken.IsCancellationRequested)
            {
                return result;
            }
        }
    }

    private static async Task<IResult> ListAsync(HttpContext http, IGrainFactory grains, string? filter)
    {
        var pattern = string.IsNullOrEmpty(filter) ? null : filter.Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal).Replace('*', '%');
        var list = await grains.GetGrain<ICatalogGrain>(0).ListComposerPackages(http.Caller().Namespaces, pattern, MaxListed);
        return TypedResults.Json(new Dictionary<string, object> { ["packageNames"] = list.Packages.Select(p => p.Name) });
    }

    private static async Task<IResult> SearchAsync(HttpContext http, IGrainFactory grains, string? q)
    {
        var pattern = $"%{(q ?? "").Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal)}%";
        var list = await grains.GetGrain<ICatalogGrain>(0).ListComposerPackages(http.Caller().Namespaces, pattern, 100);
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
    private static async Task<IResult> NotifyBatchAsync(HttpContext http, IGrainFactory grains)
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
            if (!body.RootElement.TryGetProperty("downloads", out var downloads) || downloads.ValueKind != JsonValueKind.Array)
            {
                return ApiErrors.BadRequest(http, "expected {\"downloads\": [{\"name\": ..., \"version\": ...}]}");
            }

            foreach (var download in downloads.EnumerateArray().Take(1000))
            {
                var name = download.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()!.ToLowerInvariant() : null;
                var version = download.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                if (name is not null && version is not null && ComposerNames.IsValid(name) && http.Caller().CanAccessNamespace(name.Split('/')[0]))
                {
                    await grains.GetGrain<IComposerPackageGrain>(name).CountInstall(version);
                }
            }
        }

        return TypedResults.Json(new { status = "success" });
    }
}
