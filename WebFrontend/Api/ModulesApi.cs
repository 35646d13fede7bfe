using Microsoft.Extensions.Options;
using OrleansRegistry.Namespaces;
using OrleansRegistry.Storage;
using OrleansRegistry.Terraform;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.Errors;
using OrleansRegistry.WebFrontend.Terraform;

namespace OrleansRegistry.WebFrontend.Api;

/// <summary>What the publish and the module API answer with for a module version.</summary>
public sealed record ModuleVersionResponse(
    string Namespace, string Name, string System, string Version, string Sha256, long Size, string? RootPath, DateTimeOffset PublishedAt);

/// <summary>Publishing and managing Terraform module versions.</summary>
public static class ModulesApi
{
    public static IEndpointRouteBuilder MapModulesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/modules").WithTags("Terraform modules").RequireScope(Scopes.ModulesWrite).ProducesDependencyProblems();
        api.MapPost("/", PublishAsync).DisableAntiforgery().ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge);
        api.MapDelete("/{namespace}/{name}/{system}/versions/{version}", DeleteAsync).ProducesProblems(StatusCodes.Status404NotFound);
        api.MapPost("/{namespace}/{name}/{system}/versions/{version}/deprecate", DeprecateAsync).ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        api.MapDelete("/{namespace}/{name}/{system}/versions/{version}/deprecate", UndeprecateAsync).ProducesProblems(StatusCodes.Status404NotFound);
        return app;
    }

    private static Task<Results<Created<ModuleVersionResponse>, Ok<ModuleVersionResponse>, ProblemHttpResult>> PublishAsync(
        HttpContext http, IGrainFactory grains, IArtifactStore store, IOptions<RegistryOptions> options)
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

    private static async Task<Outcome<ModuleVersionResponse>> PublishUploadAsync(HttpContext http, IGrainFactory grains, MultipartUpload upload, Dictionary<string, ArchiveFormat> formats)
    {
        if (upload.Files.Count != 1 || upload.Files[0].FieldName != "file")
        {
            return Outcome.Invalid("exactly one archive is required in the form field 'file' (.tar.gz, .tgz or .zip)");
        }

        upload.Fields.TryGetValue("namespace", out var ns);
        upload.Fields.TryGetValue("name", out var name);
        upload.Fields.TryGetValue("system", out var system);
        if (ModuleAddress.TryCreate(ns, name, system, out var problem) is not { } address)
        {
            return Outcome.Invalid(problem!);
        }

        if (!upload.Fields.TryGetValue("version", out var version) || string.IsNullOrWhiteSpace(version))
        {
            return Outcome.Invalid("'version' is required");
        }

        if (http.NamespaceRefusal(address.Namespace) is { } refusal)
        {
            return refusal;
        }

        if (!await grains.GetGrain<INamespaceGrain>(address.Namespace).Exists())
        {
            return Outcome.NotFound($"namespace '{address.Namespace}' does not exist; create it first (POST /api/v1/namespaces)");
        }

        var file = upload.Files[0];
        var publish = new ModulePublish(version.Trim(), file.Artifact.Key, file.Artifact.Size, file.Artifact.Sha256, formats[file.Artifact.Key], http.Caller().AsActor());
        var published = await grains.GetGrain<IModuleGrain>(address.Key).Publish(publish);
        return published.Map(v => new ModuleVersionResponse(address.Namespace, address.Name, address.System, v.Version, v.Sha256, v.Size, v.RootPath, v.PublishedAt));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string @namespace, string name, string system, string version, HttpContext http, IGrainFactory grains)
    {
        var (address, error) = ModuleProtocolEndpoints.Resolve(http, @namespace, name, system);
        if (error is not null)
        {
            return error;
        }

        return (await grains.GetGrain<IModuleGrain>(address.Key).DeleteVersion(version, http.Caller().AsActor())).ToNoContent(http);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeprecateAsync(string @namespace, string name, string system, string version, HttpContext http, IGrainFactory grains, TimeProvider clock)
    {
        var (request, problem) = await DeprecateRequest.ReadAsync(http);
        if (problem is not null)
        {
            return problem;
        }

        return await ChangeDeprecationAsync(@namespace, name, system, version, http, grains, new ModuleDeprecation(request!.Reason, request.Link, clock.GetUtcNow()));
    }

    private static Task<Results<NoContent, ProblemHttpResult>> UndeprecateAsync(string @namespace, string name, string system, string version, HttpContext http, IGrainFactory grains) =>
        ChangeDeprecationAsync(@namespace, name, system, version, http, grains, null);

    private static async Task<Results<NoContent, ProblemHttpResult>> ChangeDeprecationAsync(string ns, string name, string system, string version, HttpContext http, IGrainFactory grains, ModuleDeprecation? deprecation)
    {
        var (address, error) = ModuleProtocolEndpoints.Resolve(http, ns, name, system);
        if (error is not null)
        {
            return error;
        }

        return (await grains.GetGrain<IModuleGrain>(address.Key).SetDeprecation(version, deprecation, http.Caller().AsActor())).ToNoContent(http);
    }

    private static (ArchiveFormat? Format, string Extension) FormatOf(string fileName) =>
        fileName.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase) || fileName.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase) ? (ArchiveFormat.TarGz, ".tar.gz")
        : fileName.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) ? (ArchiveFormat.Zip, ".zip")
        : (null, "");
}
