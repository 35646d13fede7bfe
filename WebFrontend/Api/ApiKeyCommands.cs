using Microsoft.Extensions.Options;
using OrleansRegistry.ApiKeys;
using OrleansRegistry.Catalog;
using OrleansRegistry.Organizations;

namespace OrleansRegistry.WebFrontend.Api;

/// <summary>
/// What may be done with API keys, by whom: the rules the admin API and the web UI both apply, given the caller's
/// principal (a key, or a person acting in one of their organizations).
/// </summary>
public sealed class ApiKeyCommands(IGrainFactory grains, IOptions<RegistryOptions> options, TimeProvider clock)
{
    /// <summary>Creates a key within the caller's own rights (and its owner's); the token is in the answer, this once.</summary>
    public async Task<Outcome<CreatedApiKey>> CreateAsync(ApiKeyPrincipal caller, CreateApiKeyRequest request)
    {
        if (ApiKeyRules.Validate(request, caller, clock.GetUtcNow()) is { } refusal)
        {
            return refusal;
        }

        var namespaces = request.Namespaces?.Select(n => n.ToLowerInvariant()).Distinct().ToArray();
        var scopes = request.Scopes!.Distinct().ToArray();
        var (owner, rights, ownerRefusal) = await ApiKeyOwnership.ResolveAsync(request.Owner, caller, scopes, namespaces, grains);
        if (ownerRefusal is not null)
        {
            return ownerRefusal;
        }

        var token = ApiKeyToken.Generate();
        var create = new ApiKeyCreate(request.Name!.Trim(), token.SecretHash(), scopes, namespaces, request.ExpiresAt, caller.AsActor(),
            request.RateLimitPerHour, ApiKeyRules.NormalizePatterns(request.PackagePatterns), owner, rights);
        var made = await ApiKeyOwnership.CreateAsync(grains, token, create);
        return made.Map(view => new CreatedApiKey(view.Id, token.Format(options.Value.TokenPrefix), view.Name, view.Scopes, view.Namespaces,
            view.CreatedAt, view.ExpiresAt, view.RateLimitPerHour, view.PackagePatterns, view.Owner));
    }

    /// <summary>
    /// The keys the caller may manage, oldest first: the catalog applies MayManage (a key limited to namespaces or
    /// package patterns lists the keys within those; a member lists the keys of its organization's members).
    /// </summary>
    public Task<ApiKeyPage> ListAsync(ApiKeyPrincipal caller, int offset, int limit) =>
        grains.GetGrain<ICatalogGrain>(0).ListApiKeys(caller.Organization is null
            ? new ApiKeyQuery(caller.Namespaces, offset, limit, caller.PackagePatterns)
            : new ApiKeyQuery(null, offset, limit, caller.PackagePatterns, caller.Organization));

    /// <summary>The key, if it exists and the caller may manage it; else NotFound or Forbidden.</summary>
    public async Task<Outcome<ApiKeyView>> GetAsync(ApiKeyPrincipal caller, string id)
    {
        var (_, outcome) = await ManageableAsync(caller, id);
        return outcome;
    }

    /// <summary>Gives the key a new secret; the old one works for <paramref name="gracePeriod"/> more.</summary>
    public async Task<Outcome<RotatedApiKey>> RotateAsync(ApiKeyPrincipal caller, string id, TimeSpan gracePeriod)
    {
        var (key, found) = await ManageableAsync(caller, id);
        if (key is null)
        {
            return found.WithoutValue();
        }

        var token = ApiKeyToken.Generate() with { KeyId = id };
        var rotated = await key.Rotate(new ApiKeyRotation(token.SecretHash(), gracePeriod, caller.AsActor()));
        return rotated.Map(view => new RotatedApiKey(id, token.Format(options.Value.TokenPrefix), view.PreviousSecretValidUntil));
    }

    public async Task<Outcome<ApiKeyView>> RevokeAsync(ApiKeyPrincipal caller, string id)
    {
        var (key, found) = await ManageableAsync(caller, id);
        return key is null ? found : Outcome.Of(OutcomeCode.Done, (await key.Revoke(caller.AsActor()))!);
    }

    /// <summary>The key <paramref name="id"/>, if it exists and the caller may manage it; else the NotFound or Forbidden outcome.</summary>
    public async Task<(IApiKeyGrain? Key, Outcome<ApiKeyView> Outcome)> ManageableAsync(ApiKeyPrincipal caller, string id)
    {
        var key = IsKeyId(id) ? grains.GetGrain<IApiKeyGrain>(id) : null;
        var view = key is null ? null : await key.Get();
        if (view is null)
        {
            return (null, Outcome.NotFound($"API key '{id}' not found"));
        }

        return ApiKeyRules.MayManage(caller, view)
            ? (key, Outcome.Of(OutcomeCode.Done, view))
            : (null, new Outcome(OutcomeCode.Forbidden, $"API key '{id}' reaches namespaces or packages this key may not manage"));
    }

    private static bool IsKeyId(string id) => id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c));
}
