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

    private static async Task<Results<Created<CreatedApiKey>, ProblemHttpResult>> CreateAsync(HttpContext http, IGrainFactory grains, IOptions<RegistryOptions> options, TimeProvider clock)
    {
        var (request, problem) = await FrontendJson.ReadAsync<CreateApiKeyRequest>(http.Request);
        if (request is null)
        {
            return ApiErrors.BadRequest(http, problem!);
        }

        var caller = http.Caller();
        if (ApiKeyRules.Validate(request, caller, clock.GetUtcNow()) is { } refusal)
        {
            return refusal.ToProblem(http);
        }

        var namespaces = request.Namespaces?.Select(n => n.ToLowerInvariant()).Distinct().ToArray();
        var scopes = request.Scopes!.Distinct().ToArray();
        var (owner, rights, ownerRefusal) = await ApiKeyOwnership.ResolveAsync(request.Owner, caller, scopes, namespaces, grains);
        if (ownerRefusal is not null)
        {
            return ownerRefusal.ToProblem(http);
        }

        var token = ApiKeyToken.Generate();
        var create = new ApiKeyCreate(request.Name!.Trim(), token.SecretHash(), scopes, namespaces, request.ExpiresAt, caller.AsActor(),
            request.RateLimitPerHour, ApiKeyRules.NormalizePatterns(request.PackagePatterns), owner, rights);
        var made = await ApiKeyOwnership.CreateAsync(grains, token, create);
        if (made.Value is not { } view)
        {
            return made.ToProblem(http);
        }

        var created = new CreatedApiKey(view.Id, token.Format(options.Value.TokenPrefix), view.Name, view.Scopes, view.Namespaces, view.CreatedAt, view.ExpiresAt, view.RateLimitPerHour, view.PackagePatterns, view.Owner);
        return TypedResults.Created($"/api/v1/apikeys/{view.Id}", created);
    }

    private static async Task<Results<Ok<ApiKeyListResponse>, ProblemHttpResult>> ListAsync(HttpContext http, IGrainFactory grains)
    {
        // Pages of up to 100 unless asked otherwise: a script that listed everything before lists were paged sees that much.
        if (!ListingPaging.TryRead(http, ListingPaging.MaxLimit, out var offset, out var limit, out var problem))
        {
            return ApiErrors.BadRequest(http, problem!);
        }

        // The catalog applies MayManage: a key limited to namespaces (package patterns) lists the keys within those;
        // a member's key lists the keys of its organization's members.
        var caller = http.Caller();
        var query = caller.Organization is null
            ? new ApiKeyQuery(caller.Namespaces, offset, limit, caller.PackagePatterns)
            : new ApiKeyQuery(null, offset, limit, caller.PackagePatterns, caller.Organization);
        var page = await grains.GetGrain<ICatalogGrain>(0).ListApiKeys(query);
        return TypedResults.Ok(new ApiKeyListResponse(ListingPaging.Meta(http, offset, limit, page.HasMore), page.Keys));
    }

    private static async Task<Results<Ok<ApiKeyView>, ProblemHttpResult>> GetAsync(string id, HttpContext http, IGrainFactory grains)
    {
        var (_, view, error) = await ManageableAsync(id, http, grains);
        return error is null ? TypedResults.Ok(view) : error;
    }

    private static async Task<Results<Ok<ApiKeyView>, ProblemHttpResult>> UpdateAsync(string id, HttpContext http, IGrainFactory grains, TimeProvider clock)
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

        var (key, view, error) = await ManageableAsync(id, http, grains);
        if (error is null && view!.Owner is { } owner && await OwnerRefusalAsync(owner, request, grains) is { } beyondOwner)
        {
            return beyondOwner.ToProblem(http);
        }

        var update = new ApiKeyUpdate(request.Name?.Trim(), request.RateLimitPerHour, http.Caller().AsActor(),
            request.Scopes?.Distinct().ToArray(), request.Namespaces?.Select(n => n.ToLowerInvariant()).Distinct().ToArray(), request.ExpiresAt,
            ApiKeyRules.NormalizePatterns(request.PackagePatterns));
        return error is null ? TypedResults.Ok(await key!.Update(update)) : error;
    }

    private static async Task<Results<Ok<RotatedApiKey>, ProblemHttpResult>> RotateAsync(string id, HttpContext http, IGrainFactory grains, IOptions<RegistryOptions> options)
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

        var (key, _, error) = await ManageableAsync(id, http, grains);
        if (error is not null)
        {
            return error;
        }

        var token = ApiKeyToken.Generate() with { KeyId = id };
        var rotated = await key!.Rotate(new ApiKeyRotation(token.SecretHash(), TimeSpan.FromHours(hours), http.Caller().AsActor()));
        return rotated.Succeeded
            ? TypedResults.Ok(new RotatedApiKey(id, token.Format(options.Value.TokenPrefix), rotated.Value!.PreviousSecretValidUntil))
            : rotated.ToProblem(http);
    }

    private static async Task<Results<Ok<ApiKeyView>, ProblemHttpResult>> RevokeAsync(string id, HttpContext http, IGrainFactory grains)
    {
        var (key, _, error) = await ManageableAsync(id, http, grains);
        return error is null ? TypedResults.Ok(await key!.Revoke(http.Caller().AsActor())) : error;
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

    /// <summary>The key <paramref name="id"/>, if it exists and the caller may manage it; else the 404/403 to answer.</summary>
    private static async Task<(IApiKeyGrain? Key, ApiKeyView? View, ProblemHttpResult? Error)> ManageableAsync(string id, HttpContext http, IGrainFactory grains)
    {
        var key = IsKeyId(id) ? grains.GetGrain<IApiKeyGrain>(id) : null;
        var view = key is null ? null : await key.Get();
        if (view is null)
        {
            return (null, null, ApiErrors.NotFound(http, $"API key '{id}' not found"));
        }

        return ApiKeyRules.MayManage(http.Caller(), view)
            ? (key, view, null)
            : (null, null, ApiErrors.Forbidden(http, $"API key '{id}' reaches namespaces or packages this key may not manage"));
    }

    private static bool IsKeyId(string id) => id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c));
}
