using Microsoft.Extensions.Options;
using OrleansRegistry.ApiKeys;
using OrleansRegistry.Catalog;
using OrleansRegistry.Organizations;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.Errors;
using OrleansRegistry.WebFrontend.Terraform;

namespace OrleansRegistry.WebFrontend.Api;

public sealed record CreateApiKeyRequest(
    string? Name, string[]? Scopes, string[]? Namespaces, DateTimeOffset? ExpiresAt, int? RateLimitPerHour = null, string[]? PackagePatterns = null, KeyOwnerRequest? Owner = null);

/// <summary>A change to a key: members left out stay as they are.</summary>
public sealed record UpdateApiKeyRequest(
    string? Name, int? RateLimitPerHour, string[]? Scopes = null, string[]? Namespaces = null, DateTimeOffset? ExpiresAt = null, string[]? PackagePatterns = null);

public sealed record ApiKeyListResponse(ListingMeta Meta, ApiKeyView[] ApiKeys);

/// <summary>A rotation: how long the old secret keeps working (0-72 hours; 0 = it stops at once).</summary>
public sealed record RotateApiKeyRequest(double? GracePeriodHours);

/// <summary>The response to a rotation: the new token, shown this once, and until when the old one works.</summary>
public sealed record RotatedApiKey(string Id, string Key, DateTimeOffset? PreviousSecretValidUntil);

/// <summary>The response to a key creation: the only time the token is shown.</summary>
public sealed record CreatedApiKey(
    string Id, string Key, string Name, string[] Scopes, string[]? Namespaces, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, int? RateLimitPerHour,
    string[]? PackagePatterns = null, KeyOwner? Owner = null);

public static class ApiKeysApi
{
    public static IEndpointRouteBuilder MapApiKeysApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/apikeys").WithTags("API keys").RequireScope(Scopes.ApiKeysManage).ProducesDependencyProblems();
        api.MapPost("/", CreateAsync).ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict);
        api.MapGet("/", ListAsync).ProducesProblems(StatusCodes.Status400BadRequest);
        api.MapGet("/{id}", GetAsync).ProducesProblems(StatusCodes.Status404NotFound);
        api.MapPut("/{id}", UpdateAsync).ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        api.MapPost("/{id}/rotate", RotateAsync).ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        api.MapDelete("/{id}", RevokeAsync).ProducesProblems(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Created<CreatedApiKey>, ProblemHttpResult>> CreateAsync(HttpContext http, ApiKeyCommands keys)
    {
        var (request, problem) = await FrontendJson.ReadAsync<CreateApiKeyRequest>(http.Request);
        if (request is null)
        {
            return ApiErrors.BadRequest(http, problem!);
        }

        var created = await keys.CreateAsync(http.Caller(), request);
        return created.Value is { } key ? TypedResults.Created($"/api/v1/apikeys/{key.Id}", key) : created.ToProblem(http);
    }

    private static async Task<Results<Ok<ApiKeyListResponse>, ProblemHttpResult>> ListAsync(HttpContext http, ApiKeyCommands keys)
    {
        // Pages of up to 100 unless asked otherwise: a script that listed everything before lists were paged sees that much.
        if (!ListingPaging.TryRead(http, ListingPaging.MaxLimit, out var offset, out var limit, out var problem))
        {
            return ApiErrors.BadRequest(http, problem!);
        }

        var page = await keys.ListAsync(http.Caller(), offset, limit);
        return TypedResults.Ok(new ApiKeyListResponse(ListingPaging.Meta(http, offset, limit, page.HasMore), page.Keys));
    }

    private static async Task<Results<Ok<ApiKeyView>, ProblemHttpResult>> GetAsync(string id, HttpContext http, ApiKeyCommands keys)
    {
        var found = await keys.GetAsync(http.Caller(), id);
        return found.Value is { } view ? TypedResults.Ok(view) : found.ToProblem(http);
    }

    private static async Task<Results<Ok<ApiKeyView>, ProblemHttpResult>> UpdateAsync(string id, HttpContext http, IGrainFactory grains, ApiKeyCommands keys, TimeProvider clock)
    {
        var (request, problem) = await FrontendJson.ReadAsync<UpdateApiKeyRequest>(http.Request);
        if (request is null)
        {
            return ApiErrors.BadRequest(http, problem!);
        }

        if (ApiKeyRules.ValidateUpdate(request, http.Caller(), clock.GetUtcNow()) is { } refusal)
        {
            return refusal.ToProblem(http);
        }

        var (key, found) = await keys.ManageableAsync(http.Caller(), id);
        if (key is null)
        {
            return found.ToProblem(http);
        }

        if (found.Value!.Owner is { } owner && await OwnerRefusalAsync(owner, request, grains) is { } beyondOwner)
        {
            return beyondOwner.ToProblem(http);
        }

        var update = new ApiKeyUpdate(request.Name?.Trim(), request.RateLimitPerHour, http.Caller().AsActor(),
            request.Scopes?.Distinct().ToArray(), request.Namespaces?.Select(n => n.ToLowerInvariant()).Distinct().ToArray(), request.ExpiresAt,
            ApiKeyRules.NormalizePatterns(request.PackagePatterns));
        return TypedResults.Ok(await key.Update(update));
    }

    private static async Task<Results<Ok<RotatedApiKey>, ProblemHttpResult>> RotateAsync(string id, HttpContext http, ApiKeyCommands keys)
    {
        var (request, problem) = await FrontendJson.ReadAsync<RotateApiKeyRequest>(http.Request);
        if (request is null)
        {
            return ApiErrors.BadRequest(http, problem!);
        }

        if (request.GracePeriodHours is not { } hours || double.IsNaN(hours) || hours is < 0 or > 72)
        {
            return ApiErrors.BadRequest(http, "'grace_period_hours' must be 0-72: how long the old secret keeps working (0: it stops at once)");
        }

        var rotated = await keys.RotateAsync(http.Caller(), id, TimeSpan.FromHours(hours));
        return rotated.Value is { } answer ? TypedResults.Ok(answer) : rotated.ToProblem(http);
    }

    private static async Task<Results<Ok<ApiKeyView>, ProblemHttpResult>> RevokeAsync(string id, HttpContext http, ApiKeyCommands keys)
    {
        var revoked = await keys.RevokeAsync(http.Caller(), id);
        return revoked.Value is { } view ? TypedResults.Ok(view) : revoked.ToProblem(http);
    }

    /// <summary>Forbidden when a change to a member's key asks for more than the member's role gives.</summary>
    private static async Task<Outcome?> OwnerRefusalAsync(KeyOwner owner, UpdateApiKeyRequest request, IGrainFactory grains)
    {
        if (request.Scopes is null && request.Namespaces is null)
        {
            return null;
        }

        var rights = await grains.GetGrain<IOrganizationGrain>(owner.Organization).Rights(owner.Kind, owner.Id);
        return rights is null
            ? Outcome.Conflict($"'{ApiKeyOwnership.OwnerName(owner)}' is no longer a member of organization '{owner.Organization}'")
            : ApiKeyOwnership.Exceeds(owner, rights, request.Scopes ?? [], request.Namespaces?.Select(n => n.ToLowerInvariant()).ToArray());
    }
}
