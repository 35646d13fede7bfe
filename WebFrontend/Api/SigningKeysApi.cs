using OrleansRegistry.Namespaces;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.Api;

public sealed record AddSigningKeyRequest(string? AsciiArmor);

public sealed record SigningKeyListResponse(SigningKeyView[] GpgKeys);

/// <summary>A namespace's OpenPGP keys for provider signing: uploaded public keys and the registry-managed key.</summary>
public static class SigningKeysApi
{
    private const int MaxArmorChars = 256 * 1024;

    public static IEndpointRouteBuilder MapSigningKeysApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/namespaces/{namespace}").WithTags("Signing keys").ProducesDependencyProblems();
        api.MapPost("/gpg-keys", AddAsync).RequireScope(Scopes.NamespacesWrite).ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        api.MapGet("/gpg-keys", ListAsync).RequireScope(Scopes.NamespacesRead).ProducesProblems(StatusCodes.Status404NotFound);
        api.MapDelete("/gpg-keys/{keyId}", RemoveAsync).RequireScope(Scopes.NamespacesWrite).ProducesProblems(StatusCodes.Status404NotFound);
        api.MapPost("/signing-key", CreateManagedAsync).RequireScope(Scopes.NamespacesWrite).ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<Results<Created<SigningKeyView>, ProblemHttpResult>> AddAsync(string @namespace, HttpContext http, IGrainFactory grains)
    {
        if (Resolve(http, @namespace) is { } error)
        {
            return error;
        }

        var (armor, problem) = await ReadArmorAsync(http.Request);
        if (string.IsNullOrWhiteSpace(armor))
        {
            return ApiErrors.BadRequest(http, problem ?? "'ascii_armor' is required (an ASCII-armored OpenPGP public key)");
        }

        return Answer(http, await grains.GetGrain<INamespaceGrain>(@namespace.ToLowerInvariant()).AddSigningKey(armor, http.Caller().AsActor()));
    }

    /// <summary>JSON <c>{"ascii_armor": "..."}</c>, or the armored key itself as <c>application/pgp-keys</c> / <c>text/plain</c>.</summary>
    private static async Task<(string? Armor, string? Problem)> ReadArmorAsync(HttpRequest request)
    {
        var type = request.ContentType ?? "";
        if (type.StartsWith("application/pgp-keys", StringComparison.OrdinalIgnoreCase) || type.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase))
        {
            using var reader = new StreamReader(request.Body);
            var buffer = new char[MaxArmorChars + 1];
            var length = await reader.ReadBlockAsync(buffer, request.HttpContext.RequestAborted);
            return length > MaxArmorChars ? (null, "the key is too large") : (new string(buffer, 0, length), null);
        }

        var (body, problem) = await FrontendJson.ReadAsync<AddSigningKeyRequest>(request);
        return (body?.AsciiArmor, problem);
    }

    private static async Task<Results<Ok<SigningKeyListResponse>, ProblemHttpResult>> ListAsync(string @namespace, HttpContext http, IGrainFactory grains)
    {
        if (Resolve(http, @namespace) is { } error)
        {
            return error;
        }

        var ns = grains.GetGrain<INamespaceGrain>(@namespace.ToLowerInvariant());
        return await ns.Exists()
            ? TypedResults.Ok(new SigningKeyListResponse(await ns.GetSigningKeys()))
            : ApiErrors.NotFound(http, $"namespace '{@namespace}' not found");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveAsync(string @namespace, string keyId, HttpContext http, IGrainFactory grains)
    {
        if (Resolve(http, @namespace) is { } error)
        {
            return error;
        }

        return (await grains.GetGrain<INamespaceGrain>(@namespace.ToLowerInvariant()).RemoveSigningKey(keyId, http.Caller().AsActor())).ToNoContent(http);
    }

    private static async Task<Results<Created<SigningKeyView>, ProblemHttpResult>> CreateManagedAsync(string @namespace, HttpContext http, IGrainFactory grains)
    {
        if (Resolve(http, @namespace) is { } error)
        {
            return error;
        }

        return Answer(http, await grains.GetGrain<INamespaceGrain>(@namespace.ToLowerInvariant()).CreateManagedKey(http.Caller().AsActor()));
    }

    private static ProblemHttpResult? Resolve(HttpContext http, string ns) =>
        Names.IsValidSegment(ns.ToLowerInvariant()) ? http.ForbidUnlessNamespace(ns.ToLowerInvariant()) : ApiErrors.NotFound(http, $"namespace '{ns}' not found");

    private static Results<Created<SigningKeyView>, ProblemHttpResult> Answer(HttpContext http, Outcome<SigningKeyView> added) =>
        added.Succeeded ? TypedResults.Created((string?)null, added.Value) : added.ToProblem(http);
}
