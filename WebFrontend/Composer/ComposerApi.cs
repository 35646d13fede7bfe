using Microsoft.Extensions.Options;
using OrleansRegistry.Composer;
using OrleansRegistry.Namespaces;
using OrleansRegistry.Storage;
using OrleansRegistry.Terraform;
using OrleansRegistry.WebFrontend.Api;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.Composer;

public sealed record AbandonRequest(string? Replacement);

/// <summary>Publishing Composer packages by upload, deleting versions, abandoning packages.</summary>
public static class ComposerApi
{
    public static IEndpointRouteBuilder MapComposerApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/composer/packages").WithTags("Composer").RequireScope(Scopes.PackagesWrite);
        api.MapPost("/", PublishAsync).DisableAntiforgery();
        app.MapGet("/api/v1/composer/packages/{vendor}/{name}", GetAsync).WithTags("Composer").RequireScope(Scopes.PackagesRead);
        api.MapDelete("/{vendor}/{name}/versions/{version}", DeleteAsync);
        api.MapPost("/{vendor}/{name}/abandon", AbandonAsync);
        api.MapDelete("/{vendor}/{name}/abandon", UnabandonAsync);
        return app;
    }

    private static Task<IResult> PublishAsync(HttpContext http, IGrainFactory grains, IArtifactStore store, IOptions<RegistryOptions> options) =>
        MultipartUploadReader.PublishAsync(http, store, options.Value.MaxModuleUploadBytes,
            fileName => fileName.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) ? $"composer/{Guid.NewGuid():N}.zip" : null, maxFiles: 1,
            form => PublishFormAsync(http, grains, form));

    private static async Task<(IResult Result, bool Keep)> PublishFormAsync(HttpContext http, IGrainFactory grains, MultipartUpload form)
    {
        if (form.Files.Count != 1 || form.Files[0].FieldName != "file")
        {
            return (ApiErrors.BadRequest(http, "exactly one .zip is required in the form field 'file'"), false);
        }

        var file = form.Files[0].Artifact;
        var manifest = await grains.GetGrain<IComposerArchiveGrain>(0).Inspect(file.Key);
        if (manifest.Name is null)
        {
            return (ApiErrors.BadRequest(http, manifest.Error!), false);
        }

        var vendor = manifest.Name.Split('/')[0];
        if (http.ForbidUnlessNamespace(vendor) is { } forbidden)
        {
            return (forbidden, false);
        }

        if (!Names.IsValidSegment(vendor) || !await grains.GetGrain<INamespaceGrain>(vendor).Exists())
        {
            return (ApiErrors.NotFound(http, $"vendor '{vendor}' is not a namespace of this registry; create it first (POST /api/v1/namespaces)"), false);
        }

        form.Fields.TryGetValue("version", out var version);
        var defaultBranch = form.Fields.TryGetValue("default_branch", out var flag) && flag.Trim().Equals("true", StringComparison.OrdinalIgnoreCase);
        var result = await grains.GetGrain<IComposerPackageGrain>(manifest.Name)
            .Publish(new ComposerPublish(string.IsNullOrWhiteSpace(version) ? null : version, file.Key, file.Size, file.Sha1, http.Caller().AsActor(), manifest.ManifestJson!, defaultBranch));
        IResult Published(int status) => TypedResults.Json(new Dictionary<string, object?>
        {
            ["name"] = manifest.Name,
            ["version"] = result.Version,
            ["version_normalized"] = result.VersionNormalized,
            ["reference"] = result.Reference,
            ["shasum"] = file.Sha1,
        }, statusCode: status);

        return result.Status switch
        {
            PublishStatus.Created => (Published(StatusCodes.Status201Created), true),
            PublishStatus.Unchanged => (Published(StatusCodes.Status200OK), false),
            PublishStatus.VersionExists => (ApiErrors.Conflict(http, result.Error!), false),
            _ => (ApiErrors.BadRequest(http, result.Error!), false),
        };
    }

    private static async Task<IResult> GetAsync(string vendor, string name, HttpContext http, IGrainFactory grains)
    {
        if (Resolve(http, vendor, name) is not { } package)
        {
            return Problem(http, vendor, name);
        }

        var view = await grains.GetGrain<IComposerPackageGrain>(package).GetView();
        return view is null ? ApiErrors.NotFound(http, $"package {package} not found") : TypedResults.Json(view, FrontendJson.Options);
    }

    private static async Task<IResult> DeleteAsync(string vendor, string name, string version, HttpContext http, IGrainFactory grains)
    {
        if (Resolve(http, vendor, name) is not { } package)
        {
            return Problem(http, vendor, name);
        }

        var status = await grains.GetGrain<IComposerPackageGrain>(package).DeleteVersion(version, http.Caller().AsActor());
        return status == ChangeStatus.Done ? TypedResults.NoContent() : ApiErrors.NotFound(http, $"version {version} of {package} not found");
    }

    private static async Task<IResult> AbandonAsync(string vendor, string name, HttpContext http, IGrainFactory grains)
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

        var status = await grains.GetGrain<IComposerPackageGrain>(package).SetAbandoned(true, replacement, http.Caller().AsActor());
        return status == ChangeStatus.Done ? TypedResults.NoContent() : ApiErrors.NotFound(http, $"package {package} not found");
    }

    private static async Task<IResult> UnabandonAsync(string vendor, string name, HttpContext http, IGrainFactory grains)
    {
        if (Resolve(http, vendor, name) is not { } package)
        {
            return Problem(http, vendor, name);
        }

        var status = await grains.GetGrain<IComposerPackageGrain>(package).SetAbandoned(false, null, http.Caller().AsActor());
        return status == ChangeStatus.Done ? TypedResults.NoContent() : ApiErrors.NotFound(http, $"package {package} not found");
    }

    private static string? Resolve(HttpContext http, string vendor, string name)
    {
        var package = $"{vendor}/{name}".ToLowerInvariant();
        return ComposerNames.IsValid(package) && http.Caller().CanAccessNamespace(vendor.ToLowerInvariant()) ? package : null;
    }

    private static IResult Problem(HttpContext http, string vendor, string name) =>
        ComposerNames.IsValid($"{vendor}/{name}".ToLowerInvariant())
            ? ApiErrors.Forbidden(http, $"the API key may not access namespace '{vendor.ToLowerInvariant()}'")
            : ApiErrors.NotFound(http, $"package {vendor}/{name} not found");
}
