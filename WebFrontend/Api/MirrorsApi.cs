using OrleansRegistry.Mirroring;
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

    private static async Task<Results<Created<MirrorResponse>, ProblemHttpResult>> CreateAsync(HttpContext http, MirrorCommands mirrors)
    {
        var (request, problem) = await FrontendJson.ReadAsync<MirrorRequest>(http.Request);
        if (request is null)
        {
            return ApiErrors.BadRequest(http, problem!);
        }

        var created = await mirrors.CreateAsync(http.Caller(), request);
        return created.Value is { } view ? TypedResults.Created($"/api/v1/mirrors/{view.Id}", MirrorResponse.Of(http, view)) : created.ToProblem(http);
    }

    private static async Task<Ok<MirrorListResponse>> ListAsync(HttpContext http, MirrorCommands mirrors) =>
        TypedResults.Ok(new MirrorListResponse([.. (await mirrors.ListAsync(http.Caller())).Select(MirrorListItem.Of)]));

    private static async Task<Results<Ok<MirrorResponse>, ProblemHttpResult>> GetAsync(string id, HttpContext http, MirrorCommands mirrors)
    {
        var found = await mirrors.FindAsync(http.Caller(), id);
        return found.Value is { } view ? TypedResults.Ok(MirrorResponse.Of(http, view)) : found.ToProblem(http);
    }

    private static async Task<Results<Ok<MirrorResponse>, ProblemHttpResult>> UpdateAsync(string id, HttpContext http, MirrorCommands mirrors)
    {
        var (request, problem) = await FrontendJson.ReadAsync<MirrorRequest>(http.Request);
        if (request is null)
        {
            return ApiErrors.BadRequest(http, problem!);
        }

        var updated = await mirrors.UpdateAsync(http.Caller(), id, request);
        return updated.Value is { } view ? TypedResults.Ok(MirrorResponse.Of(http, view)) : updated.ToProblem(http);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, HttpContext http, MirrorCommands mirrors) =>
        (await mirrors.DeleteAsync(http.Caller(), id)).ToNoContent(http);

    private static async Task<Results<Accepted<SyncStartResponse>, ProblemHttpResult>> SyncAsync(string id, HttpContext http, MirrorCommands mirrors)
    {
        var started = await mirrors.SyncAsync(http.Caller(), id);
        return started.Value is { } view ? TypedResults.Accepted((string?)null, new SyncStartResponse(view.Id, started.Reason!)) : started.ToProblem(http);
    }

    private static async Task<Results<Ok<MirrorHistoryResponse>, ProblemHttpResult>> HistoryAsync(string id, HttpContext http, MirrorCommands mirrors)
    {
        var history = await mirrors.HistoryAsync(http.Caller(), id);
        if (!history.Succeeded)
        {
            return history.ToProblem(http);
        }

        var (view, syncs, deliveries) = history.Value;
        return TypedResults.Ok(new MirrorHistoryResponse(view.Id, [.. syncs.Select(MirrorSyncResponse.Of)], deliveries));
    }

    /// <summary>A new webhook secret, shown this once; the old one stops working at once.</summary>
    private static async Task<Results<Ok<WebhookSecretResponse>, ProblemHttpResult>> RotateWebhookSecretAsync(string id, HttpContext http, MirrorCommands mirrors)
    {
        var rotated = await mirrors.RotateWebhookSecretAsync(http.Caller(), id);
        if (!rotated.Succeeded)
        {
            return rotated.ToProblem(http);
        }

        var (view, secret) = rotated.Value;
        return TypedResults.Ok(new WebhookSecretResponse(view.Id, MirrorResponse.WebhookUrlOf(http, view.Id), secret));
    }
}
