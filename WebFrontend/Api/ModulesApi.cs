using Microsoft.Extensions.Options;
using OrleansRegistry.Namespaces;
using OrleansRegistry.Storage;
using OrleansRegistry.Terraform;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.Errors;
using OrleansRegistry.WebFrontend.Terraform;

namespace OrleansRegistry.WebFrontend.Api;

/// <summary>A deprecation of a module or provider version: Terraform prints the reason on every init, and the link goes to browsers.</summary>
public sealed record DeprecateRequest(string? Reason, string? Link)
{
    public const int MaxReasonLength = 1000;

    public string? Problem() =>
        Reason is { Length: > MaxReasonLength } ? $"'reason' is too long ({MaxReasonLength} characters at most)"
        : Link is not null && !(Uri.TryCreate(Link, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http") ? "'link' must be an absolute http or https URL"
        : null;
}

/// <summary>Publishing and managing Terraform module versions.</summary>
public static class ModulesApi
{
    public static IEndpointRouteBuilder MapModulesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/modules").WithTags("Terraform modules").RequireScope(Scopes.ModulesWrite);
        api.MapPost("/", PublishAsync).DisableAntiforgery();
        api.MapDelete("/{namespace}/{name}/{system}/versions/{version}", DeleteAsync);
        api.MapPost("/{namespace}/{name}/{system}/versions/{version}/deprecate", DeprecateAsync);
        api.MapDelete("/{namespace}/{name}/{system}/versions/{version}/deprecate", UndeprecateAsync);
        return app;
    }

    private static Task<IResult> PublishAsync(HttpContext http, IGrainFactory grains, IArtifactStore store, IOptions<RegistryOptions> options)
    {
        var formats = new Dictionary<string, ArchiveFormat>(StringComparer.Ordinal);
        return MultipartUploadReader.PublishAsync(http, store, options.Value.MaxModuleUploadBytes, fileName =>
        {
            var (format, extension) = FormatOf(fileName);
            if (format is null)
            {
                return null;
            }

            var key = $"modules/{Guid.NewGuid():N}{extension}";
            formats[key] = format.Value;
            return key;
        }, maxFiles: 1, form => PublishUploadAsync(http, grains, form, formats));
    }

    private static async Task<(IResult Result, bool Keep)> PublishUploadAsync(HttpContext http, IGrainFactory grains, MultipartUpload upload, Dictionary<string, ArchiveFormat> formats)
    {
        if (upload.Files.Count != 1 || upload.Files[0].FieldName != "file")
        {
            return (ApiErrors.BadRequest(http, "exactly one archive is required in the form field 'file' (.tar.gz, .tgz or .zip)"), false);
        }

        upload.Fields.TryGetValue("namespace", out var ns);
        upload.Fields.TryGetValue("name", out var name);
        upload.Fields.TryGetValue("system", out var system);
        var address = ModuleAddress.TryCreate(ns, name, system, out var problem);
        if (address is null)
        {
            return (ApiErrors.BadRequest(http, problem!), false);
        }

        if (!upload.Fields.TryGetValue("version", out var version) || string.IsNullOrWhiteSpace(version))
        {
            return (ApiErrors.BadRequest(http, "'version' is required"), false);
        }

        if (http.ForbidUnlessNamespace(address.Value.Namespace) is { } forbidden)
        {
            return (forbidden, false);
        }

        if (!await grains.GetGrain<INamespaceGrain>(address.Value.Namespace).Exists())
        {
            return (ApiErrors.NotFound(http, $"namespace '{address.Value.Namespace}' does not exist; create it first (POST /api/v1/namespaces)"), false);
        }

        var file = upload.Files[0];
        var publish = new ModulePublish(version.Trim(), file.Artifact.Key, file.Artifact.Size, file.Artifact.Sha256, formats[file.Artifact.Key], http.Caller().AsActor());
        var result = await grains.GetGrain<IModuleGrain>(address.Value.Key).Publish(publish);
        IResult Published(int status) => TypedResults.Json(new
        {
            @namespace = address.Value.Namespace,
            name = address.Value.Name,
            system = address.Value.System,
            version = result.Version!.Version,
            sha256 = result.Version.Sha256,
            size = result.Version.Size,
            root_path = result.Version.RootPath,
            published_at = result.Version.PublishedAt,
        }, FrontendJson.Options, statusCode: status);

        // A repeated publish of the same archive (a retry whose answer was lost) gets the version it made; its upload goes.
        return result.Status switch
        {
            PublishStatus.Created => (Published(StatusCodes.Status201Created), true),
            PublishStatus.Unchanged => (Published(StatusCodes.Status200OK), false),
            PublishStatus.VersionExists => (ApiErrors.Conflict(http, result.Error!), false),
            _ => (ApiErrors.BadRequest(http, result.Error!), false),
        };
    }

    private static async Task<IResult> DeleteAsync(string @namespace, string name, string system, string version, HttpContext http, IGrainFactory grains)
    {
        var (address, error) = ModuleProtocolEndpoints.Resolve(http, @namespace, name, system);
        if (error is not null)
        {
            return error;
        }

        var status = await grains.GetGrain<IModuleGrain>(address.Key).DeleteVersion(version, http.Caller().AsActor());
        return status == ChangeStatus.Done ? TypedResults.NoContent() : ApiErrors.NotFound(http, $"version {version} of module {address} not found");
    }

    private static async Task<IResult> DeprecateAsync(string @namespace, string name, string system, string version, HttpContext http, IGrainFactory grains, TimeProvider clock)
    {
        DeprecateRequest request = new(null, null);
        if (http.Request.ContentLength is > 0 || http.Request.ContentType is not null)
        {
            var (body, problem) = await FrontendJson.ReadAsync<DeprecateRequest>(http.Request);
            if (body is null)
            {
                return ApiErrors.BadRequest(http, problem!);
            }

            request = body;
        }

        if (request.Problem() is { } invalid)
        {
            return ApiErrors.BadRequest(http, invalid);
        }

        return await ChangeDeprecationAsync(@namespace, name, system, version, http, grains, new ModuleDeprecation(request.Reason, request.Link, clock.GetUtcNow()));
    }

    private static Task<IResult> UndeprecateAsync(string @namespace, string name, string system, string version, HttpContext http, IGrainFactory grains) =>
        ChangeDeprecationAsync(@namespace, name, system, version, http, grains, null);

    private static async Task<IResult> ChangeDeprecationAsync(string ns, string name, string system, string version, HttpContext http, IGrainFactory grains, ModuleDeprecation? deprecation)
    {
        var (address, error) = ModuleProtocolEndpoints.Resolve(http, ns, name, system);
        if (error is not null)
        {
            return error;
        }

        var status = await grains.GetGrain<IModuleGrain>(address.Key).SetDeprecation(version, deprecation, http.Caller().AsActor());
        return status == ChangeStatus.Done ? TypedResults.NoContent() : ApiErrors.NotFound(http, $"version {version} of module {address} not found");
    }

    private static (ArchiveFormat? Format, string Extension) FormatOf(string fileName) =>
        fileName.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase) || fileName.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase) ? (ArchiveFormat.TarGz, ".tar.gz")
        : fileName.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) ? (ArchiveFormat.Zip, ".zip")
        : (null, "");
}
