using OrleansRegistry.Organizations;

namespace OrleansRegistry.ApiKeys;

/// <summary>
/// What an authenticated key may do. <see cref="Namespaces"/> null means every namespace; <see cref="PackagePatterns"/>
/// null means every Composer package (the patterns limit Composer packages only, never Terraform). A key that belongs
/// to a member of an organization carries the <see cref="Organization"/>, and its scopes and namespaces are already
/// narrowed to what the member's role allows there.
/// </summary>
[GenerateSerializer, Immutable, Alias("api-key-principal")]
public sealed record ApiKeyPrincipal(
    [property: Id(0)] string KeyId,
    [property: Id(1)] string Name,
    [property: Id(2)] string[] Scopes,
    [property: Id(3)] string[]? Namespaces,
    [property: Id(4)] string[]? PackagePatterns = null,
    [property: Id(5)] string? Organization = null)
{
    /// <summary>A key of the registry itself (the bootstrap key, automation keys): not of an organization, every namespace.</summary>
    public bool IsRegistryWide => Organization is null && Namespaces is null;

    public bool Allows(string scope) => OrleansRegistry.Scopes.Satisfies(Scopes, scope);

    public bool CanAccessNamespace(string ns) => Namespaces is null || Namespaces.Contains(ns, StringComparer.Ordinal);

    /// <summary>Whether the key reaches the Composer package <paramref name="package"/> (lower-case); a null check for most keys.</summary>
    public bool CanAccessPackage(string package) => PackagePatterns is null || PackageGrants.Allows(PackagePatterns, package);

    public bool IsAdmin => Scopes.Contains(OrleansRegistry.Scopes.Admin, StringComparer.Ordinal);

    public Actor AsActor() => new(KeyId, Name);
}

public enum AuthFailure
{
    None = 0,
    UnknownKey = 1,
    WrongSecret = 2,
    Revoked = 3,
    Expired = 4,
    RateLimited = 5,
}

/// <summary>The key's hourly budget after this request; <see cref="Limit"/> 0 = unlimited.</summary>
[GenerateSerializer, Immutable, Alias("rate-limit")]
public sealed record RateLimitStatus(
    [property: Id(0)] int Limit,
    [property: Id(1)] int Remaining,
    [property: Id(2)] DateTimeOffset Reset);

[GenerateSerializer, Immutable, Alias("auth-result")]
public sealed record AuthResult(
    [property: Id(0)] ApiKeyPrincipal? Principal,
    [property: Id(1)] AuthFailure Failure,
    [property: Id(2)] DateTimeOffset? FailureAt = null,
    [property: Id(3)] RateLimitStatus? RateLimit = null)
{
    public static AuthResult Fail(AuthFailure failure, DateTimeOffset? at = null) => new(null, failure, at);
}

/// <summary>
/// A frontend's request for a lease: the presented secret's SHA-256, how many requests it wants counted, and the
/// unused ones of its previous lease (from the window ending <see cref="ReturnedWindowEnd"/>) to give back.
/// </summary>
[GenerateSerializer, Immutable, Alias("auth-lease-request")]
public sealed record AuthLeaseRequest(
    [property: Id(0)] byte[] SecretHash,
    [property: Id(1)] int TokensWanted,
    [property: Id(2)] int TokensReturned,
    [property: Id(3)] DateTimeOffset ReturnedWindowEnd,
    [property: Id(4)] IApiKeyLeaseHolder Holder);

/// <summary>
/// An authentication a frontend may reuse until <see cref="ValidUntil"/>, with <see cref="Tokens"/> requests of the
/// key's rate limit already counted for it (their status is in <see cref="AuthResult.RateLimit"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("auth-lease")]
public sealed record AuthLease(
    [property: Id(0)] AuthResult Result,
    [property: Id(1)] int Tokens,
    [property: Id(2)] DateTimeOffset ValidUntil);

[GenerateSerializer, Immutable, Alias("api-key-create")]
public sealed record ApiKeyCreate(
    [property: Id(0)] string Name,
    [property: Id(1)] byte[] SecretHash,
    [property: Id(2)] string[] Scopes,
    [property: Id(3)] string[]? Namespaces,
    [property: Id(4)] DateTimeOffset? ExpiresAt,
    [property: Id(5)] Actor CreatedBy,
    [property: Id(6)] int? RateLimitPerHour = null,
    [property: Id(7)] string[]? PackagePatterns = null,
    [property: Id(8)] KeyOwner? Owner = null,
    [property: Id(9)] OwnerRights? OwnerRights = null);

/// <summary>A change to a key; null members stay as they are.</summary>
[GenerateSerializer, Immutable, Alias("api-key-update")]
public sealed record ApiKeyUpdate(
    [property: Id(0)] string? Name,
    [property: Id(1)] int? RateLimitPerHour,
    [property: Id(2)] Actor Actor,
    [property: Id(3)] string[]? Scopes = null,
    [property: Id(4)] string[]? Namespaces = null,
    [property: Id(5)] DateTimeOffset? ExpiresAt = null,
    [property: Id(6)] string[]? PackagePatterns = null);

/// <summary>A new secret for a key, and how long its previous secret still works (zero: not at all).</summary>
[GenerateSerializer, Immutable, Alias("api-key-rotation")]
public sealed record ApiKeyRotation(
    [property: Id(0)] byte[] SecretHash,
    [property: Id(1)] TimeSpan GracePeriod,
    [property: Id(2)] Actor Actor);

/// <summary>The public description of a key (never its secret or hash).</summary>
[GenerateSerializer, Immutable, Alias("api-key-view")]
public sealed record ApiKeyView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string[] Scopes,
    [property: Id(3)] string[]? Namespaces,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset? ExpiresAt,
    [property: Id(6)] DateTimeOffset? RevokedAt,
    [property: Id(7)] DateTimeOffset? LastUsedAt,
    [property: Id(8)] string CreatedBy,
    [property: Id(9)] int? RateLimitPerHour = null,
    [property: Id(10)] DateTimeOffset? PreviousSecretValidUntil = null,
    [property: Id(11)] string[]? PackagePatterns = null,
    [property: Id(12)] KeyOwner? Owner = null);
