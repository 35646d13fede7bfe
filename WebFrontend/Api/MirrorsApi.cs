using OrleansRegistry.Mirroring;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.Api;

/// <summary>A mirror's settings as the admin API takes them; on PUT, omitted fields keep their values.</summary>
public sealed record MirrorRequest(
    string? Kind, string? Name, string? UpstreamUrl, string? Hostname, string[]? Providers, string? Versions, string[]? Platforms,
    int? IntervalMinutes, bool? PullThrough, bool? AllowInsecure, string? UpstreamToken, MirrorCredentials? Credentials)
{
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
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, IGrainFactory grains)
    {
        var (request, problem) = await FrontendJson.ReadAsync<MirrorRequest>(http.Request);
        if (request is null)
        {
            return ApiErrors.BadRequest(http, problem!);
        }

        var settings = new MirrorSettings(
            request.Kind ?? "", request.Name ?? "", request.UpstreamUrl ?? "", request.Hostname ?? "", request.Providers ?? [], request.Versions,
            request.Platforms ?? [], request.IntervalMinutes ?? 0, request.PullThrough ?? false, request.AllowInsecure ?? false);
        if (Forbidden(http, settings) is { } forbidden)
        {
            return forbidden;
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
            mirrors = mirrors.Where(m => NamespacesOf(m.Providers).All(caller.CanAccessNamespace)).Select(m => new
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
        return error ?? TypedResults.Json(MirrorJson(view!), FrontendJson.Options);
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

        var s = view!.Settings;
        var settings = new MirrorSettings(
            request.Kind ?? s.Kind, request.Name ?? s.Name, request.UpstreamUrl ?? s.UpstreamUrl, request.Hostname ?? s.Hostname,
            request.Providers ?? s.Providers, request.Versions ?? s.Versions, request.Platforms ?? s.Platforms,
            request.IntervalMinutes ?? s.IntervalMinutes, request.PullThrough ?? s.PullThrough, request.AllowInsecure ?? s.AllowInsecure);
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

        var history = await grains.GetGrain<IMirrorGrain>(view!.Id).GetHistory() ?? [];
        return TypedResults.Json(new { id = view.Id, syncs = history.Select(SyncJson) }, FrontendJson.Options);
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
        NamespacesOf(settings.Providers).FirstOrDefault(ns => !http.Caller().CanAccessNamespace(ns)) is { } denied
            ? ApiErrors.Forbidden(http, $"the API key may not access namespace '{denied}'")
            : null;

    private static IEnumerable<string> NamespacesOf(IEnumerable<string> providers) =>
        providers.Select(p => p.Split('/')[0]).Distinct();

    private static IResult Answer(HttpContext http, MirrorChangeResult result, int successStatus) => result.Status switch
    {
        MirrorChangeStatus.Done => TypedResults.Json(MirrorJson(result.Mirror!), FrontendJson.Options, statusCode: successStatus),
        MirrorChangeStatus.NotFound => ApiErrors.NotFound(http, result.Error!),
        MirrorChangeStatus.Exists => ApiErrors.Conflict(http, result.Error!),
        _ => result.Error!.StartsWith("a mirror named", StringComparison.Ordinal) ? ApiErrors.Conflict(http, result.Error) : ApiErrors.BadRequest(http, result.Error),
    };

    private static object MirrorJson(MirrorView m) => new
    {
        m.Id,
        m.Settings.Kind,
        m.Settings.Name,
        m.Settings.UpstreamUrl,
        m.Settings.Hostname,
        m.Settings.Providers,
        m.Settings.Versions,
        m.Settings.Platforms,
        m.Settings.IntervalMinutes,
        m.Settings.PullThrough,
        m.Settings.AllowInsecure,
        m.HasCredentials,
        m.CreatedAt,
        m.NextSyncAt,
        Running = m.Running is null ? null : SyncJson(m.Running),
        LastSync = m.LastSync is null ? null : SyncJson(m.LastSync),
    };

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
        s.Errors,
        s.Silo,
    };
}
