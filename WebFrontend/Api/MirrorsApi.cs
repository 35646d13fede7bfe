using OrleansRegistry.Mirroring;
using OrleansRegistry.Namespaces;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.Api;

/// <summary>Mirrors of upstream registries: configuration, manual syncs and sync history.</summary>
public static class MirrorsApi
{
    public static IEndpointRouteBuilder MapMirrorsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/mirrors").WithTags("Mirrors").ProducesDependencyProblems();
        api.MapPost("/", CreateAsync).RequireScope(Scopes.MirrorsManage).ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        api.MapGet("/", ListAsync).RequireScope(Scopes.MirrorsRead);
        api.MapGet("/{id}", GetAsync).RequireScope(Scopes.MirrorsRead).ProducesProblems(StatusCodes.Status404NotFound);
        api.MapPut("/{id}", UpdateAsync).RequireScope(Scopes.MirrorsManage).ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        api.MapDelete("/{id}", DeleteAsync).RequireScope(Scopes.MirrorsManage).ProducesProblems(StatusCodes.Status404NotFound);
        api.MapPost("/{id}/sync", SyncAsync).RequireScope(Scopes.MirrorsManage).ProducesProblems(StatusCodes.Status404NotFound);
        api.MapGet("/{id}/history", HistoryAsync).RequireScope(Scopes.MirrorsRead).ProducesProblems(StatusCodes.Status404NotFound);
        api.MapPost("/{id}/webhook-secret", RotateWebhookSecretAsync).RequireScope(Scopes.MirrorsManage).ProducesProblems(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Created<MirrorResponse>, ProblemHttpResult>> CreateAsync(HttpContext http, IGrainFactory grains)
    {
        var (request, problem) = await FrontendJson.ReadAsync<MirrorRequest>(http.Request);
        if (request is null)
        {
            return ApiErrors.BadRequest(http, problem!);
        }

        var (settings, invalid) = request.ToSettings(null);
        if (settings is null)
        {
            return ApiErrors.BadRequest(http, invalid!);
        }

        if (Forbidden(http, settings) is { } forbidden)
        {
            return forbidden;
        }

        if (settings.KindSettings is IGitSourceSettings { Namespace: var ns } && Names.IsValidSegment(ns) && !await grains.GetGrain<INamespaceGrain>(ns!).Exists())
        {
            return ApiErrors.NotFound(http, $"namespace '{ns}' does not exist; create it first (POST /api/v1/namespaces)");
        }

        var id = Guid.NewGuid().ToString("N")[..12];
        var created = await grains.GetGrain<IMirrorGrain>(id).Create(new MirrorChange(settings, request.NewCredentials, http.Caller().AsActor()));
        return created.Succeeded ? TypedResults.Created($"/api/v1/mirrors/{id}", MirrorResponse.Of(http, created.Value!)) : created.ToProblem(http);
    }

    private static async Task<Ok<MirrorListResponse>> ListAsync(HttpContext http, IGrainFactory grains)
    {
        var caller = http.Caller();
        var mirrors = await grains.GetGrain<IMirrorDirectoryGrain>(IMirrorDirectoryGrain.Key).List();
        return TypedResults.Ok(new MirrorListResponse([.. mirrors.Where(m => MirrorKinds.Namespaces(m).All(caller.CanAccessNamespace)).Select(MirrorListItem.Of)]));
    }

    private static async Task<Results<Ok<MirrorResponse>, ProblemHttpResult>> GetAsync(string id, HttpContext http, IGrainFactory grains)
    {
        var (view, error) = await FindAsync(id, http, grains);
        if (error is not null)
        {
            return error;
        }

        return TypedResults.Ok(MirrorResponse.Of(http, view!));
    }

    private static async Task<Results<Ok<MirrorResponse>, ProblemHttpResult>> UpdateAsync(string id, HttpContext http, IGrainFactory grains)
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

        var (settings, invalid) = request.ToSettings(view!.Settings);
        if (settings is null)
        {
            return ApiErrors.BadRequest(http, invalid!);
        }

        if (Forbidden(http, settings) is { } forbidden)
        {
            return forbidden;
        }

        var updated = await grains.GetGrain<IMirrorGrain>(view.Id).Update(new MirrorChange(settings, request.NewCredentials, http.Caller().AsActor()));
        return updated.Succeeded ? TypedResults.Ok(MirrorResponse.Of(http, updated.Value!)) : updated.ToProblem(http);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, HttpContext http, IGrainFactory grains)
    {
        var (view, error) = await FindAsync(id, http, grains);
        if (error is not null)
        {
            return error;
        }

        await grains.GetGrain<IMirrorGrain>(view!.Id).Delete(http.Caller().AsActor());
        return TypedResults.NoContent();
    }

    private static async Task<Results<Accepted<SyncStartResponse>, ProblemHttpResult>> SyncAsync(string id, HttpContext http, IGrainFactory grains)
    {
        var (view, error) = await FindAsync(id, http, grains);
        if (error is not null)
        {
            return error;
        }

        // Already running is accepted too: the caller wanted a sync, and one is under way.
        var started = await grains.GetGrain<IMirrorGrain>(view!.Id).StartSync(http.Caller().AsActor());
        return started.Succeeded ? TypedResults.Accepted((string?)null, new SyncStartResponse(view.Id, started.Reason!)) : started.ToProblem(http);
    }

    private static async Task<Results<Ok<MirrorHistoryResponse>, ProblemHttpResult>> HistoryAsync(string id, HttpContext http, IGrainFactory grains)
    {
        var (view, error) = await FindAsync(id, http, grains);
        if (error is not null)
        {
            return error;
        }

        var mirror = grains.GetGrain<IMirrorGrain>(view!.Id);
        var history = await mirror.GetHistory() ?? [];
        var deliveries = await mirror.GetDeliveries() ?? [];
        return TypedResults.Ok(new MirrorHistoryResponse(view.Id, [.. history.Select(MirrorSyncResponse.Of)], deliveries));
    }

    /// <summary>A new webhook secret, shown this once; the old one stops working at once.</summary>
    private static async Task<Results<Ok<WebhookSecretResponse>, ProblemHttpResult>> RotateWebhookSecretAsync(string id, HttpContext http, IGrainFactory grains)
    {
        var (view, error) = await FindAsync(id, http, grains);
        if (error is not null)
        {
            return error;
        }

        var secret = await grains.GetGrain<IMirrorGrain>(view!.Id).RotateWebhookSecret(http.Caller().AsActor());
        return secret is null
            ? ApiErrors.NotFound(http, $"mirror '{view.Id}' not found")
            : TypedResults.Ok(new WebhookSecretResponse(view.Id, MirrorResponse.WebhookUrlOf(http, view.Id), secret));
    }

    private static async Task<(MirrorView? View, ProblemHttpResult? Error)> FindAsync(string id, HttpContext http, IGrainFactory grains)
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
    private static ProblemHttpResult? Forbidden(HttpContext http, MirrorSettings settings) =>
        MirrorKinds.Namespaces(settings).Select(http.ForbidUnlessNamespace).FirstOrDefault(refusal => refusal is not null);
}
