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
        var api = app.MapGroup("/api/v1/providers").WithTags("Terraform providers").ProducesDependencyProblems();
        api.MapPost("/", PublishAsync).RequireScope(Scopes.ProvidersWrite).DisableAntiforgery().ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge);
        api.MapGet("/{namespace}/{type}", GetAsync).RequireScope(Scopes.ProvidersRead).ProducesProblems(StatusCodes.Status404NotFound);
        api.MapDelete("/{namespace}/{type}/versions/{version}", DeleteAsync).RequireScope(Scopes.ProvidersWrite).ProducesProblems(StatusCodes.Status404NotFound);
        api.MapPost("/{namespace}/{type}/versions/{version}/deprecate", DeprecateAsync).RequireScope(Scopes.ProvidersWrite).ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        api.MapDelete("/{namespace}/{type}/versions/{version}/deprecate", UndeprecateAsync).RequireScope(Scopes.ProvidersWrite).ProducesProblems(StatusCodes.Status404NotFound);
        return app;
    }

    private static Task<Results<Created<ProviderVersionResponse>, Ok<ProviderVersionResponse>, ProblemHttpResult>> PublishAsync(
        HttpContext http, IGrainFactory grains, IArtifactStore store, IOptions<RegistryOptions> options)
    {
        var upload = Guid.NewGuid().ToString("N");
        return MultipartUploadReader.PublishAsync(http, store, options.Value.MaxProviderUploadBytes,
            fileName => IsReleaseFile(fileName) ? $"providers/uploads/{upload}/{fileName}" : null, MaxFilesPerRelease,
            form => PublishFormAsync(http, grains, form));
    }

    private static async Task<Outcome<ProviderVersionResponse>> PublishFormAsync(HttpContext http, IGrainFactory grains, MultipartUpload form)
    {
        form.Fields.TryGetValue("namespace", out var ns);
        form.Fields.TryGetValue("type", out var type);
        ns = (ns ?? "").ToLowerInvariant();
        type = (type ?? "").ToLowerInvariant();
        if ((Names.Problem("namespace", ns) ?? Names.Problem("type", type)) is { } problem)
        {
            return Outcome.Invalid(problem);
        }

        if (http.NamespaceRefusal(ns) is { } refusal)
        {
            return refusal;
        }

        if (!form.Fields.TryGetValue("version", out var version) || string.IsNullOrWhiteSpace(version))
        {
            return Outcome.Invalid("'version' is required");
        }

        var address = new ProviderAddress(ns, type);
        if (!await grains.GetGrain<INamespaceGrain>(address.Namespace).Exists())
        {
            return Outcome.NotFound($"namespace '{address.Namespace}' does not exist; create it first (POST /api/v1/namespaces)");
        }

        if (form.Files.Count(f => f.FileName.Contains("_SHA256SUMS", StringComparison.Ordinal)) > 2)
        {
            return Outcome.Invalid("upload one SHA256SUMS file and one signature at most");
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
        var published = await grains.GetGrain<IProviderGrain>(address.Key).Publish(request);
        return published.Map(v => ProviderVersionResponse.Of(address, v));
    }

    private static async Task<Results<Ok<ProviderResponse>, ProblemHttpResult>> GetAsync(string @namespace, string type, HttpContext http, IGrainFactory grains)
    {
        var (address, error) = ProviderProtocolEndpoints.Resolve(http, @namespace, type);
        if (error is not null)
        {
            return error;
        }

        var versions = await grains.GetGrain<IProviderGrain>(address.Key).GetVersions();
        return versions.Length == 0
            ? ApiErrors.NotFound(http, $"provider {address.Key} not found")
            : TypedResults.Ok(new ProviderResponse(address.Namespace, address.Type, [.. versions.Select(v => ProviderVersionResponse.Of(address, v))]));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string @namespace, string type, string version, HttpContext http, IGrainFactory grains)
    {
        var (address, error) = ProviderProtocolEndpoints.Resolve(http, @namespace, type);
        if (error is not null)
        {
            return error;
        }

        return (await grains.GetGrain<IProviderGrain>(address.Key).DeleteVersion(version, http.Caller().AsActor())).ToNoContent(http);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeprecateAsync(string @namespace, string type, string version, HttpContext http, IGrainFactory grains, TimeProvider clock)
    {
        var (request, problem) = await DeprecateRequest.ReadAsync(http);
        if (problem is not null)
        {
            return problem;
        }

        return await ChangeAsync(@namespace, type, version, http, grains, new ProviderDeprecation(request!.Reason, request.Link, clock.GetUtcNow()));
    }

    private static Task<Results<NoContent, ProblemHttpResult>> UndeprecateAsync(string @namespace, string type, string version, HttpContext http, IGrainFactory grains) =>
        ChangeAsync(@namespace, type, version, http, grains, null);

    private static async Task<Results<NoContent, ProblemHttpResult>> ChangeAsync(string ns, string type, string version, HttpContext http, IGrainFactory grains, ProviderDeprecation? deprecation)
    {
        var (address, error) = ProviderProtocolEndpoints.Resolve(http, ns, type);
        if (error is not null)
        {
            return error;
        }

        return (await grains.GetGrain<IProviderGrain>(address.Key).SetDeprecation(version, deprecation, http.Caller().AsActor())).ToNoContent(http);
    }

    private static bool IsReleaseFile(string name) =>
        name.StartsWith("terraform-provider-", StringComparison.Ordinal)
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '+')
        && (name.EndsWith(".zip", StringComparison.Ordinal) || name.EndsWith("_SHA256SUMS", StringComparison.Ordinal) || name.EndsWith("_SHA256SUMS.sig", StringComparison.Ordinal));
}

/// <summary>A provider and its versions, newest first.</summary>
public sealed record ProviderResponse(string Namespace, string Type, ProviderVersionResponse[] Versions);

/// <summary>The API's description of a provider version.</summary>
public sealed record ProviderVersionResponse(
    string Namespace,
    string Type,
    string Version,
    string[] Protocols,
    ProviderPlatformResponse[] Platforms,
    string KeyId,
    bool RegistrySigned,
    DateTimeOffset PublishedAt,
    DeprecationResponse? Deprecation)
{
    public static ProviderVersionResponse Of(ProviderAddress address, ProviderVersionView v) => new(
        address.Namespace, address.Type, v.Version, v.Protocols,
        [.. v.Platforms.Select(p => new ProviderPlatformResponse(p.Os, p.Arch, p.FileName, p.Sha256, p.H1, p.Size))],
        v.KeyId, v.RegistrySigned, v.PublishedAt, DeprecationResponse.Of(v.Deprecation));
}

/// <summary>One platform's archive; <c>shasum</c> and <c>h1</c> are what Terraform's lock file records.</summary>
public sealed record ProviderPlatformResponse(
    string Os,
    string Arch,
    [property: System.Text.Json.Serialization.JsonPropertyName("filename")] string FileName,
    [property: System.Text.Json.Serialization.JsonPropertyName("shasum")] string Sha256,
    string H1,
    long Size);

/// <summary>Why a version is deprecated and where to read more.</summary>
public sealed record DeprecationResponse(string? Reason, string? Link)
{
    public static DeprecationResponse? Of(ProviderDeprecation? deprecation) => deprecation is null ? null : new(deprecation.Reason, deprecation.Link);
}
