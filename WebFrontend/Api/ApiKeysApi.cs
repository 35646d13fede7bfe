using Microsoft.Extensions.Options;
using OrleansRegistry.ApiKeys;
using OrleansRegistry.Catalog;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.Errors;
using OrleansRegistry.WebFrontend.Terraform;

namespace OrleansRegistry.WebFrontend.Api;

public sealed record CreateApiKeyRequest(string? Name, string[]? Scopes, string[]? Namespaces, DateTimeOffset? ExpiresAt, int? RateLimitPerHour = null);

public sealed record UpdateApiKeyRequest(string? Name, int? RateLimitPerHour);

/// <summary>The response to a key creation: the only time the token is shown.</summary>
public sealed record CreatedApiKey(string Id, string Key, string Name, string[] Scopes, string[]? Namespaces, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, int? RateLimitPerHour);

public static class ApiKeysApi
{
    public static IEndpointRouteBuilder MapApiKeysApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/apikeys").WithTags("API keys").RequireScope(Scopes.ApiKeysManage);
        api.MapPost("/", CreateAsync);
        api.MapGet("/", ListAsync);
        api.MapGet("/{id}", GetAsync);
        api.MapPut("/{id}", UpdateAsync);
        api.MapDelete("/{id}", RevokeAsync);
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, IGrainFactory grains, IOptions<RegistryOptions> options, TimeProvider clock)
    {
        var (request, problem) = await FrontendJson.ReadAsync<CreateApiKeyRequest>(http.Request);
        if (request is null)
        {
            return ApiErrors.BadRequest(http, problem!);
        }

        problem = ApiKeyRules.Validate(request, http.Caller(), clock.GetUtcNow());
        if (problem is not null)
        {
            return problem.StartsWith("forbidden:", StringComparison.Ordinal)
                ? ApiErrors.Forbidden(http, problem["forbidden:".Length..].Trim())
                : ApiErrors.BadRequest(http, problem);
        }

        var token = ApiKeyToken.Generate();
        var namespaces = request.Namespaces?.Select(n => n.ToLowerInvariant()).Distinct().ToArray();
        var scopes = request.Scopes!.Distinct().ToArray();
        var view = await grains.GetGrain<IApiKeyGrain>(token.KeyId)
            .Create(new ApiKeyCreate(request.Name!.Trim(), token.SecretHash(), scopes, namespaces, request.ExpiresAt, http.Caller().AsActor(), request.RateLimitPerHour));
        if (view is null)
        {
            return ApiErrors.Conflict(http, "key id collision; retry");
        }

        var created = new CreatedApiKey(view.Id, token.Format(options.Value.TokenPrefix), view.Name, view.Scopes, view.Namespaces, view.CreatedAt, view.ExpiresAt, view.RateLimitPerHour);
        return TypedResults.Json(created, FrontendJson.Options, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListAsync(HttpContext http, IGrainFactory grains)
    {
        // Pages of up to 100 unless asked otherwise: a script that listed everything before lists were paged sees that much.
        if (!ListingPaging.TryRead(http, ListingPaging.MaxLimit, out var offset, out var limit, out var problem))
        {
            return ApiErrors.BadRequest(http, problem!);
        }

        // The catalog applies MayManage: a key limited to namespaces lists the keys limited to some of those.
        var page = await grains.GetGrain<ICatalogGrain>(0).ListApiKeys(new ApiKeyQuery(http.Caller().Namespaces, offset, limit));
        return TypedResults.Json(new { meta = ListingPaging.Meta(http, offset, limit, page.HasMore), api_keys = page.Keys }, FrontendJson.Options);
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, IGrainFactory grains)
    {
        var (_, view, error) = await ManageableAsync(id, http, grains);
        return error ?? TypedResults.Json(view, FrontendJson.Options);
    }

    private static async Task<IResult> UpdateAsync(string id, HttpContext http, IGrainFactory grains)
    {
        var (request, problem) = await FrontendJson.ReadAsync<UpdateApiKeyRequest>(http.Request);
        if (request is null)
        {
            return ApiErrors.BadRequest(http, problem!);
        }

        if (ApiKeyRules.ValidateUpdate(request) is { } invalid)
        {
            return ApiErrors.BadRequest(http, invalid);
        }

        var (key, _, error) = await ManageableAsync(id, http, grains);
        return error ?? TypedResults.Json(await key!.Update(new ApiKeyUpdate(request.Name?.Trim(), request.RateLimitPerHour, http.Caller().AsActor())), FrontendJson.Options);
    }

    private static async Task<IResult> RevokeAsync(string id, HttpContext http, IGrainFactory grains)
    {
        var (key, _, error) = await ManageableAsync(id, http, grains);
        return error ?? TypedResults.Json(await key!.Revoke(http.Caller().AsActor()), FrontendJson.Options);
    }

    /// <summary>The key <paramref name="id"/>, if it exists and the caller may manage it; else the 404/403 to answer.</summary>
    private static async Task<(IApiKeyGrain? Key, ApiKeyView? View, IResult? Error)> ManageableAsync(string id, HttpContext http, IGrainFactory grains)
    {
        var key = IsKeyId(id) ? grains.GetGrain<IApiKeyGrain>(id) : null;
        var view = key is null ? null : await key.Get();
        if (view is null)
        {
            return (null, null, ApiErrors.NotFound(http, $"API key '{id}' not found"));
        }

        return ApiKeyRules.MayManage(http.Caller(), view)
            ? (key, view, null)
            : (null, null, ApiErrors.Forbidden(http, $"API key '{id}' reaches namespaces this key may not manage"));
    }

    private static bool IsKeyId(string id) => id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c));
}

/// <summary>What a new key may be: well-formed, and never more than the key creating it.</summary>
public static class ApiKeyRules
{
    private const int MaxNamespaces = 1000;

    /// <summary>A key limited to namespaces manages only keys limited to some of those namespaces.</summary>
    public static bool MayManage(ApiKeyPrincipal manager, ApiKeyView key) =>
        manager.Namespaces is null || (key.Namespaces is not null && key.Namespaces.All(manager.CanAccessNamespace));

    public static string? ValidateUpdate(UpdateApiKeyRequest request) =>
        request.Name is not null && (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > 100) ? "'name' must be 1-100 characters"
        : request.RateLimitPerHour is < 0 ? "'rate_limit_per_hour' must be 0 (unlimited) or more"
        : request.Name is null && request.RateLimitPerHour is null ? "nothing to change: give 'name' and/or 'rate_limit_per_hour'"
        : null;

    public static string? Validate(CreateApiKeyRequest request, ApiKeyPrincipal creator, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > 100)
        {
            return "'name' is required (1-100 characters)";
        }

        if (request.Scopes is null || request.Scopes.Length == 0)
        {
            return $"'scopes' must list at least one of: {string.Join(", ", Scopes.All)}";
        }

        if (request.Scopes.Any(s => s is null))
        {
            return $"'scopes' must list scope names (strings), not null; known scopes: {string.Join(", ", Scopes.All)}";
        }

        if (request.Scopes.FirstOrDefault(s => !Scopes.IsKnown(s)) is { } unknown)
        {
            return $"unknown scope '{unknown}'; known scopes: {string.Join(", ", Scopes.All)}";
        }

        if (request.Namespaces is not null && request.Namespaces.Any(n => n is null))
        {
            return "'namespaces' must list namespace names (strings), not null; leave it out for a key that reaches every namespace";
        }

        if (request.Namespaces is not null && request.Namespaces.FirstOrDefault(n => !Names.IsValidSegment(n.ToLowerInvariant())) is { } badNamespace)
        {
            return $"'{badNamespace}' is not a valid namespace name";
        }

        if (request.Namespaces is { Length: > MaxNamespaces })
        {
            return $"'namespaces' may list at most {MaxNamespaces} namespaces";
        }

        if (request.ExpiresAt is { } expires && expires <= now)
        {
            return "'expires_at' must be in the future";
        }

        if (request.RateLimitPerHour is < 0)
        {
            return "'rate_limit_per_hour' must be 0 (unlimited) or more";
        }

        if (request.Scopes.FirstOrDefault(s => !creator.Allows(s)) is { } excess)
        {
            return $"forbidden: a key cannot grant the scope '{excess}', which it does not hold itself";
        }

        if (creator.Namespaces is not null
            && (request.Namespaces is null || request.Namespaces.Any(n => !creator.CanAccessNamespace(n.ToLowerInvariant()))))
        {
            return "forbidden: a key limited to namespaces can only create keys limited to some of those namespaces";
        }

        return null;
    }
}
