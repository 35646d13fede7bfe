using OrleansRegistry.Mirroring;
using OrleansRegistry.Namespaces;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.Api;

/// <summary>
/// A mirror's or source's settings as the admin API takes them; on PUT, omitted fields keep their values. For
/// <c>terraform-module-git</c>, <c>name</c> is the module's name; Git sources take the repository as <c>url</c>.
/// </summary>
public sealed record MirrorRequest(
    string? Kind, string? Name, string? UpstreamUrl, string? Hostname, string[]? Providers, string? Versions, string[]? Platforms,
    int? IntervalMinutes, bool? PullThrough, bool? AllowInsecure, string? UpstreamToken, MirrorCredentials? Credentials,
    string? Url, string? Namespace, string? Path, string? System, string? TagPattern, string[]? Packages, string? Mode, string? UserAgent)
{
    public MirrorSettings ToSettings(MirrorSettings? current)
    {
        var kind = Kind ?? current?.Kind ?? "";
        var module = kind == MirrorKinds.TerraformModuleGit;
        return new MirrorSettings(
            kind,
            module ? "" : Name ?? current?.Name ?? "",
            Url ?? UpstreamUrl ?? current?.UpstreamUrl ?? "",
            Hostname ?? current?.Hostname ?? "",
            Providers ?? current?.Providers ?? [],
            Versions ?? current?.Versions,
            Platforms ?? current?.Platforms ?? [],
            IntervalMinutes ?? current?.IntervalMinutes ?? 0,
            PullThrough ?? current?.PullThrough ?? false,
            AllowInsecure ?? current?.AllowInsecure ?? false,
            Namespace ?? current?.Namespace,
            Path ?? current?.Path,
            module ? Name ?? current?.ModuleName : null,
            System ?? current?.System,
            TagPattern ?? current?.TagPattern,
            Packages ?? current?.Packages,
            Mode ?? current?.Mode,
            UserAgent ?? current?.UserAgent);
    }

    /// <summary>New credentials when the request sets any: <c>credentials</c>, or <c>upstream_token</c> as a shorthand.</summary>
    public MirrorCredentials? NewCredentials => Credentials ?? (UpstreamToken is null ? null : new MirrorCredentials(UpstreamToken, null, null));
}

/// <summary>Mirrors of upstream registries: configuration, manual syncs and sync history.</summary>
public static class MirrorsApi
{
    public static IEndpointRouteBuilder MapMirrorsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/mirrors").WithTags("Mirrors");
        api.MapPost("/", CreateAsync).RequireScope(Scopes.MirrorsManage);
        api.MapGet("/", ListAsync).RequireScope(Scopes.MirrorsRead);
        api.MapGet("/{id}", GetAsync).RequireScope(Scopes.MirrorsRead);
        api.MapPut("/{id}", UpdateAsync).RequireScope(Scopes.MirrorsManage);
        api.MapDelete("/{id}", DeleteAsync).RequireScope(Scopes.MirrorsManage);
        api.MapPost("/{id}/sync", SyncAsync).RequireScope(Scopes.MirrorsManage);
        api.MapGet("/{id}/history", HistoryAsync).RequireScope(Scopes.MirrorsRead);
        api.MapPost("/{id}/webhook-secret", RotateWebhookSecretAsync).RequireScope(Scopes.MirrorsManage);
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, IGrainFactory grains)
    {
        var (request, problem) = await FrontendJson.ReadAsync<MirrorRequest>(http.Request);
        if (request is null)
        {
            return ApiErrors.BadRequest(http, problem!);
        }

        var settings = request.ToSettings(null);
        if (Forbidden(http, settings) is { } forbidden)
        {
            return forbidden;
        }

        if (MirrorKinds.IsGit(settings.Kind) && Names.IsValidSegment(settings.Namespace) && !await grains.GetGrain<INamespaceGrain>(settings.Namespace!).Exists())
        {
            return ApiErrors.NotFound(http, $"namespace '{settings.Namespace}' does not exist; create it first (POST /api/v1/namespaces)");
        }

        var id = Guid.NewGuid().ToString("N")[..12];
        var result = await grains.GetGrain<IMirrorGrain>(id).Create(new MirrorChange(settings, request.NewCredentials, http.Caller().AsActor()));
        return Answer(http, result, StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListAsync(HttpContext http, IGrainFactory grains)
    {
        var caller = http.Caller();
        var mirrors = await grains.GetGrain<IMirrorDirectoryGrain>(IMirrorDirectoryGrain.Key).List();
        return TypedResults.Json(new
        {
            mirrors = mirrors.Where(m => MirrorKinds.Namespaces(m).All(caller.CanAccessNamespace)).Select(m => new
            {
                m.Id,
                m.Name,
                m.Kind,
                m.UpstreamUrl,
                m.Hostname,
                m.Providers,
                m.PullThrough,
                m.Running,
                LastSync = m.LastSync is null ? null : SyncJson(m.LastSync),
            }),
        }, FrontendJson.Options);
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, IGrainFactory grains)
    {
        var (view, error) = await FindAsync(id, http, grains);
        return error ?? TypedResults.Json(MirrorJson(http, view!), FrontendJson.Options);
    }

    private static async Task<IResult> UpdateAsync(string id, HttpContext http, IGrainFactory grains)
    {
        var (request, problem) = await FrontendJson.ReadAsync<MirrorRequest>(http.Request);
        if (request is null)
        {
            return ApiErrors.BadRequest(http, problem!);
        }

        var (view, error) = await FindAsync(id, http, grains);
        if (error is not null)
        {
            return error;
        }

        var settings = request.ToSettings(view!.Settings);
        if (Forbidden(http, settings) is { } forbidden)
        {
            return forbidden;
        }

        var result = await grains.GetGrain<IMirrorGrain>(view.Id).Update(new MirrorChange(settings, request.NewCredentials, http.Caller().AsActor()));
        return Answer(http, result, StatusCodes.Status200OK);
    }

    private static async Task<IResult> DeleteAsync(string id, HttpContext http, IGrainFactory grains)
    {
        var (view, error) = await FindAsync(id, http, grains);
        if (error is not null)
        {
            return error;
        }

        await grains.GetGrain<IMirrorGrain>(view!.Id).Delete(http.Caller().AsActor());
        return TypedResults.NoContent();
    }

    private static async Task<IResult> SyncAsync(string id, HttpContext http, IGrainFactory grains)
    {
        var (view, error) = await FindAsync(id, http, grains);
        if (error is not null)
        {
            return error;
        }

        var started = await grains.GetGrain<IMirrorGrain>(view!.Id).StartSync(http.Caller().AsActor());
        var status = started == SyncStartStatus.Started ? "started" : "already running";
        return TypedResults.Json(new { id = view.Id, status }, FrontendJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> HistoryAsync(string id, HttpContext http, IGrainFactory grains)
    {
        var (view, error) = await FindAsync(id, http, grains);
        if (error is not null)
        {
            return error;
        }

        var mirror = grains.GetGrain<IMirrorGrain>(view!.Id);
        var history = await mirror.GetHistory() ?? [];
        var deliveries = await mirror.GetDeliveries() ?? [];
        return TypedResults.Json(new { id = view.Id, syncs = history.Select(SyncJson), deliveries }, FrontendJson.Options);
    }

    /// <summary>A new webhook secret, shown this once; the old one stops working at once.</summary>
    private static async Task<IResult> RotateWebhookSecretAsync(string id, HttpContext http, IGrainFactory grains)
    {
        var (view, error) = await FindAsync(id, http, grains);
        if (error is not null)
        {
            return error;
        }

        var secret = await grains.GetGrain<IMirrorGrain>(view!.Id).RotateWebhookSecret(http.Caller().AsActor());
        return secret is null
            ? ApiErrors.NotFound(http, $"mirror '{view.Id}' not found")
            : TypedResults.Json(new { id = view.Id, webhook_url = $"{http.Request.Scheme}://{http.Request.Host}/api/v1/webhooks/{view.Id}", webhook_secret = secret }, FrontendJson.Options);
    }

    private static async Task<(MirrorView? View, IResult? Error)> FindAsync(string id, HttpContext http, IGrainFactory grains)
    {
        id = id.ToLowerInvariant();
        var view = Names.IsValidSegment(id) ? await grains.GetGrain<IMirrorGrain>(id).Get() : null;
        if (view is null)
        {
            return (null, ApiErrors.NotFound(http, $"mirror '{id}' not found"));
        }

        return (view, Forbidden(http, view.Settings));
    }

    /// <summary>A key limited to namespaces may see and manage only mirrors of providers in those namespaces.</summary>
    private static IResult? Forbidden(HttpContext http, MirrorSettings settings) =>
        MirrorKinds.Namespaces(settings).FirstOrDefault(ns => !http.Caller().CanAccessNamespace(ns)) is { } denied
            ? ApiErrors.Forbidden(http, $"the API key may not access namespace '{denied}'")
            : null;

    private static IResult Answer(HttpContext http, MirrorChangeResult result, int successStatus) => result.Status switch
    {
        MirrorChangeStatus.Done => TypedResults.Json(MirrorJson(http, result.Mirror!), FrontendJson.Options, statusCode: successStatus),
        MirrorChangeStatus.NotFound => ApiErrors.NotFound(http, result.Error!),
        MirrorChangeStatus.Exists => ApiErrors.Conflict(http, result.Error!),
        _ => result.Error!.StartsWith("a mirror named", StringComparison.Ordinal) ? ApiErrors.Conflict(http, result.Error) : ApiErrors.BadRequest(http, result.Error),
    };

    private static object MirrorJson(HttpContext http, MirrorView m)
    {
        var s = m.Settings;
        var git = MirrorKinds.IsGit(s.Kind);
        var providers = s.Kind == MirrorKinds.TerraformProviders;
        return new
        {
            m.Id,
            s.Kind,
            Name = s.Kind == MirrorKinds.TerraformModuleGit ? s.ModuleName : s.Name,
            UpstreamUrl = git ? null : s.UpstreamUrl,
            Url = git ? s.UpstreamUrl : null,
            Hostname = providers ? s.Hostname : null,
            Providers = providers ? s.Providers : null,
            Versions = providers ? s.Versions : null,
            Platforms = providers ? s.Platforms : null,
            PullThrough = providers ? s.PullThrough : (bool?)null,
            s.Packages,
            s.Mode,
            s.UserAgent,
            s.Namespace,
            s.Path,
            s.System,
            s.TagPattern,
            s.IntervalMinutes,
            s.AllowInsecure,
            m.HasCredentials,
            m.CreatedAt,
            m.NextSyncAt,
            Running = m.Running is null ? null : SyncJson(m.Running),
            LastSync = m.LastSync is null ? null : SyncJson(m.LastSync),
            WebhookUrl = $"{http.Request.Scheme}://{http.Request.Host}/api/v1/webhooks/{m.Id}",
            m.WebhookSecret,
        };
    }

    private static object SyncJson(MirrorSyncRecord s) => new
    {
        s.Number,
        s.Trigger,
        s.StartedAt,
        s.EndedAt,
        s.Result,
        s.Counts.VersionsAdded,
        s.Counts.PlatformsAdded,
        s.Counts.PlatformsSkipped,
        s.Counts.PlatformsFailed,
        s.Counts.VersionsSkipped,
        s.Counts.VersionsFailed,
        s.Errors,
        s.Silo,
    };
}
