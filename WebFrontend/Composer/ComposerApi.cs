using Microsoft.Extensions.Options;
using OrleansRegistry.Composer;
using OrleansRegistry.Namespaces;
using OrleansRegistry.Storage;
using OrleansRegistry.WebFrontend.Api;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.Composer;

public sealed record AbandonRequest(string? Replacement);

/// <summary>A published Composer version: its names in composer.json and the p2 files, and the dist's sha1.</summary>
public sealed record ComposerPublishResponse(string Name, string Version, string VersionNormalized, string Reference, string Shasum);

/// <summary>Publishing Composer packages by upload, deleting versions, abandoning packages.</summary>
public static class ComposerApi
{
    public static IEndpointRouteBuilder MapComposerApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/composer/packages").WithTags("Composer").RequireScope(Scopes.PackagesWrite).ProducesDependencyProblems();
        api.MapPost("/", PublishAsync).DisableAntiforgery().ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge);
        app.MapGet("/api/v1/composer/packages/{vendor}/{name}", GetAsync).WithTags("Composer").RequireScope(Scopes.PackagesRead)
            .ProducesDependencyProblems().ProducesProblems(StatusCodes.Status404NotFound);
        api.MapDelete("/{vendor}/{name}/versions/{version}", DeleteAsync).ProducesProblems(StatusCodes.Status404NotFound);
        api.MapPost("/{vendor}/{name}/abandon", AbandonAsync).ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        api.MapDelete("/{vendor}/{name}/abandon", UnabandonAsync).ProducesProblems(StatusCodes.Status404NotFound);
        return app;
    }

    private static Task<Results<Created<ComposerPublishResponse>, Ok<ComposerPublishResponse>, ProblemHttpResult>> PublishAsync(
        HttpContext http, IGrainFactory grains, IArtifactStore store, IOptions<RegistryOptions> options) =>
        MultipartUploadReader.PublishAsync(http, store, options.Value.MaxModuleUploadBytes,
            fileName => fileName.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) ? $"composer/{Guid.NewGuid():N}.zip" : null, maxFiles: 1,
            form => PublishFormAsync(http, grains, form));

    private static async Task<Outcome<ComposerPublishResponse>> PublishFormAsync(HttpContext http, IGrainFactory grains, MultipartUpload form)
    {
        if (form.Files.Count != 1 || form.Files[0].FieldName != "file")
        {
            return Outcome.Invalid("exactly one .zip is required in the form field 'file'");
        }

        var file = form.Files[0].Artifact;
        var manifest = await grains.GetGrain<IComposerArchiveGrain>(0).Inspect(file.Key);
        if (manifest.Name is null)
        {
            return Outcome.Invalid(manifest.Error!);
        }

        var vendor = manifest.Name.Split('/')[0];
        if ((http.NamespaceRefusal(vendor) ?? http.PackageRefusal(manifest.Name)) is { } refusal)
        {
            return refusal;
        }

        if (!Names.IsValidSegment(vendor) || !await grains.GetGrain<INamespaceGrain>(vendor).Exists())
        {
            return Outcome.NotFound($"vendor '{vendor}' is not a namespace of this registry; create it first (POST /api/v1/namespaces)");
        }

        form.Fields.TryGetValue("version", out var version);
        var defaultBranch = form.Fields.TryGetValue("default_branch", out var flag) && flag.Trim().Equals("true", StringComparison.OrdinalIgnoreCase);
        var published = await grains.GetGrain<IComposerPackageGrain>(manifest.Name)
            .Publish(new ComposerPublish(string.IsNullOrWhiteSpace(version) ? null : version, file.Key, file.Size, file.Sha1, http.Caller().AsActor(), manifest.ManifestJson!, defaultBranch));
        return published.Map(v => new ComposerPublishResponse(manifest.Name, v.Version, v.VersionNormalized, v.Reference, file.Sha1));
    }

    private static async Task<Results<Ok<ComposerPackageView>, ProblemHttpResult>> GetAsync(string vendor, string name, HttpContext http, IGrainFactory grains)
    {
        if (Resolve(http, vendor, name) is not { } package)
        {
            return Problem(http, vendor, name);
        }

        var view = await grains.GetGrain<IComposerPackageGrain>(package).GetView();
        return view is null ? ApiErrors.NotFound(http, $"package {package} not found") : TypedResults.Ok(view);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string vendor, string name, string version, HttpContext http, IGrainFactory grains)
    {
        if (Resolve(http, vendor, name) is not { } package)
        {
            return Problem(http, vendor, name);
        }

        return (await grains.GetGrain<IComposerPackageGrain>(package).DeleteVersion(version, http.Caller().AsActor())).ToNoContent(http);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> AbandonAsync(string vendor, string name, HttpContext http, IGrainFactory grains)
    {
        if (Resolve(http, vendor, name) is not { } package)
        {
            return Problem(http, vendor, name);
        }

        string? replacement = null;
        if (http.Request.ContentType is not null)
        {
            var (body, problem) = await FrontendJson.ReadAsync<AbandonRequest>(http.Request);
            if (body is null)
            {
                return ApiErrors.BadRequest(http, problem!);
            }

            if (body.Replacement is not null && !ComposerNames.IsValid(body.Replacement))
            {
                return ApiErrors.BadRequest(http, $"'replacement' must be a package name like vendor/package (got '{body.Replacement}')");
            }

            replacement = body.Replacement;
        }

        return (await grains.GetGrain<IComposerPackageGrain>(package).SetAbandoned(true, replacement, http.Caller().AsActor())).ToNoContent(http);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> UnabandonAsync(string vendor, string name, HttpContext http, IGrainFactory grains)
    {
        if (Resolve(http, vendor, name) is not { } package)
        {
            return Problem(http, vendor, name);
        }

        return (await grains.GetGrain<IComposerPackageGrain>(package).SetAbandoned(false, null, http.Caller().AsActor())).ToNoContent(http);
    }

    private static string? Resolve(HttpContext http, string vendor, string name)
    {
        var package = $"{vendor}/{name}".ToLowerInvariant();
        return ComposerNames.IsValid(package) && http.Caller().CanAccessNamespace(vendor.ToLowerInvariant()) && http.Caller().CanAccessPackage(package) ? package : null;
    }

    /// <summary>Why <see cref="Resolve"/> gave no package: 404 for a name that is none, else 403 for the namespace or pattern.</summary>
    private static ProblemHttpResult Problem(HttpContext http, string vendor, string name)
    {
        var package = $"{vendor}/{name}".ToLowerInvariant();
        return ComposerNames.IsValid(package)
            ? (http.NamespaceRefusal(vendor.ToLowerInvariant()) ?? http.PackageRefusal(package))!.ToProblem(http)
            : ApiErrors.NotFound(http, $"package {vendor}/{name} not found");
    }
}
