using Microsoft.Extensions.Options;
using OrleansRegistry.Namespaces;
using OrleansRegistry.Storage;
using OrleansRegistry.Terraform;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.Errors;
using OrleansRegistry.WebFrontend.Terraform;

namespace OrleansRegistry.WebFrontend.Api;

/// <summary>Publishing and managing Terraform providers. Release files are recognised by their names, whatever the field.</summary>
public static class ProvidersApi
{
    private const int MaxFilesPerRelease = 64;

    public static IEndpointRouteBuilder MapProvidersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/providers").WithTags("Terraform providers");
        api.MapPost("/", PublishAsync).RequireScope(Scopes.ProvidersWrite).DisableAntiforgery();
        api.MapGet("/{namespace}/{type}", GetAsync).RequireScope(Scopes.ProvidersRead);
        api.MapDelete("/{namespace}/{type}/versions/{version}", DeleteAsync).RequireScope(Scopes.ProvidersWrite);
        api.MapPost("/{namespace}/{type}/versions/{version}/deprecate", DeprecateAsync).RequireScope(Scopes.ProvidersWrite);
        api.MapDelete("/{namespace}/{type}/versions/{version}/deprecate", UndeprecateAsync).RequireScope(Scopes.ProvidersWrite);
        return app;
    }

    private static Task<IResult> PublishAsync(HttpContext http, IGrainFactory grains, IArtifactStore store, IOptions<RegistryOptions> options)
    {
        var upload = Guid.NewGuid().ToString("N");
        return MultipartUploadReader.PublishAsync(http, store, options.Value.MaxProviderUploadBytes,
            fileName => IsReleaseFile(fileName) ? $"providers/uploads/{upload}/{fileName}" : null, MaxFilesPerRelease,
            form => PublishFormAsync(http, grains, form));
    }

    private static async Task<(IResult Result, bool Keep)> PublishFormAsync(HttpContext http, IGrainFactory grains, MultipartUpload form)
    {
        form.Fields.TryGetValue("namespace", out var ns);
        form.Fields.TryGetValue("type", out var type);
        var (address, error) = ProviderProtocolEndpoints.Resolve(http, ns ?? "", type ?? "", badRequest: true);
        if (error is not null)
        {
            return (error, false);
        }

        if (!form.Fields.TryGetValue("version", out var version) || string.IsNullOrWhiteSpace(version))
        {
            return (ApiErrors.BadRequest(http, "'version' is required"), false);
        }

        if (!await grains.GetGrain<INamespaceGrain>(address.Namespace).Exists())
        {
            return (ApiErrors.NotFound(http, $"namespace '{address.Namespace}' does not exist; create it first (POST /api/v1/namespaces)"), false);
        }

        static ProviderFile File(UploadedFile f) => new(f.FileName, f.Artifact.Key, f.Artifact.Size, f.Artifact.Sha256);
        var protocols = form.Fields.TryGetValue("protocols", out var p) ? p.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
        var request = new ProviderPublish(
            version.Trim(),
            protocols,
            [.. form.Files.Where(f => f.FileName.EndsWith(".zip", StringComparison.Ordinal)).Select(File)],
            form.Files.Where(f => f.FileName.EndsWith("_SHA256SUMS", StringComparison.Ordinal)).Select(File).FirstOrDefault(),
            form.Files.Where(f => f.FileName.EndsWith("_SHA256SUMS.sig", StringComparison.Ordinal)).Select(File).FirstOrDefault(),
            http.Caller().AsActor());
        if (form.Files.Count(f => f.FileName.Contains("_SHA256SUMS", StringComparison.Ordinal)) > 2)
        {
            return (ApiErrors.BadRequest(http, "upload one SHA256SUMS file and one signature at most"), false);
        }

        var result = await grains.GetGrain<IProviderGrain>(address.Key).Publish(request);
        return result.Status switch
        {
            PublishStatus.Created => (TypedResults.Json(ProviderViews.Of(address, result.Version!), FrontendJson.Options, statusCode: StatusCodes.Status201Created), true),
            PublishStatus.Unchanged => (TypedResults.Json(ProviderViews.Of(address, result.Version!), FrontendJson.Options), false),
            PublishStatus.VersionExists => (ApiErrors.Conflict(http, result.Error!), false),
            _ => (ApiErrors.BadRequest(http, result.Error!), false),
        };
    }

    private static async Task<IResult> GetAsync(string @namespace, string type, HttpContext http, IGrainFactory grains)
    {
        var (address, error) = ProviderProtocolEndpoints.Resolve(http, @namespace, type);
        if (error is not null)
        {
            return error;
        }

        var versions = await grains.GetGrain<IProviderGrain>(address.Key).GetVersions();
        return versions.Length == 0
            ? ApiErrors.NotFound(http, $"provider {address.Key} not found")
            : TypedResults.Json(new { @namespace = address.Namespace, type = address.Type, versions = versions.Select(v => ProviderViews.Of(address, v)) }, FrontendJson.Options);
    }

    private static async Task<IResult> DeleteAsync(string @namespace, string type, string version, HttpContext http, IGrainFactory grains)
    {
        var (address, error) = ProviderProtocolEndpoints.Resolve(http, @namespace, type);
        if (error is not null)
        {
            return error;
        }

        var status = await grains.GetGrain<IProviderGrain>(address.Key).DeleteVersion(version, http.Caller().AsActor());
        return status == ChangeStatus.Done ? TypedResults.NoContent() : ApiErrors.NotFound(http, $"version {version} of provider {address.Key} not found");
    }

    private static async Task<IResult> DeprecateAsync(string @namespace, string type, string version, HttpContext http, IGrainFactory grains, TimeProvider clock)
    {
        DeprecateRequest request = new(null, null);
        if (http.Request.ContentType is not null)
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

        return await ChangeAsync(@namespace, type, version, http, grains, new ModuleDeprecation(request.Reason, request.Link, clock.GetUtcNow()));
    }

    private static Task<IResult> UndeprecateAsync(string @namespace, string type, string version, HttpContext http, IGrainFactory grains) =>
        ChangeAsync(@namespace, type, version, http, grains, null);

    private static async Task<IResult> ChangeAsync(string ns, string type, string version, HttpContext http, IGrainFactory grains, ModuleDeprecation? deprecation)
    {
        var (address, error) = ProviderProtocolEndpoints.Resolve(http, ns, type);
        if (error is not null)
        {
            return error;
        }

        var status = await grains.GetGrain<IProviderGrain>(address.Key).SetDeprecation(version, deprecation, http.Caller().AsActor());
        return status == ChangeStatus.Done ? TypedResults.NoContent() : ApiErrors.NotFound(http, $"version {version} of provider {address.Key} not found");
    }

    private static bool IsReleaseFile(string name) =>
        name.StartsWith("terraform-provider-", StringComparison.Ordinal)
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '+')
        && (name.EndsWith(".zip", StringComparison.Ordinal) || name.EndsWith("_SHA256SUMS", StringComparison.Ordinal) || name.EndsWith("_SHA256SUMS.sig", StringComparison.Ordinal));
}

/// <summary>The API's description of a provider version.</summary>
public static class ProviderViews
{
    public static object Of(ProviderAddress address, ProviderVersionView v) => new
    {
        @namespace = address.Namespace,
        type = address.Type,
        version = v.Version,
        protocols = v.Protocols,
        platforms = v.Platforms.Select(p => new { os = p.Os, arch = p.Arch, filename = p.FileName, shasum = p.Sha256, h1 = p.H1, size = p.Size }),
        key_id = v.KeyId,
        registry_signed = v.RegistrySigned,
        published_at = v.PublishedAt,
        deprecation = v.Deprecation is null ? null : new { reason = v.Deprecation.Reason, link = v.Deprecation.Link },
    };
}
