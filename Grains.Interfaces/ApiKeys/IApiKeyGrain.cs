using OrleansRegistry.Organizations;

namespace OrleansRegistry.ApiKeys;

/// <summary>One API key, keyed by its key id (the part of the token before the secret).</summary>
[Alias("api-key")]
public interface IApiKeyGrain : IGrainWithStringKey
{
    /// <summary>Creates the key; returns null when a key with this id already exists.</summary>
    [Alias("create")]
    Task<ApiKeyView?> Create(ApiKeyCreate request);

    /// <summary>
    /// Checks a presented secret (as its SHA-256) in constant time and counts up to the wanted number of requests
    /// against the rate limit, taking back the unused ones of the holder's previous lease. The holder serves requests
    /// from the lease until it runs out or expires (about a second), and is told to drop it at once when the key is
    /// revoked or changed. It changes the in-memory window, holders and last-use time (not the stored state).
    /// </summary>
    [Alias("lease")]
    Task<AuthLease> Lease(AuthLeaseRequest request);

    [Alias("get")]
    Task<ApiKeyView?> Get();

    /// <summary>Renames the key or changes its rate limit (dropping every frontend's lease); null when the key does not exist.</summary>
    [Alias("update")]
    Task<ApiKeyView?> Update(ApiKeyUpdate update);

    /// <summary>
    /// Gives the key a new secret (same id, scopes and limits); the old one keeps working for the rotation's grace
    /// period, then never again. Every frontend's lease is dropped first. Null when the key does not exist.
    /// </summary>
    [Alias("rotate")]
    Task<Outcome<ApiKeyView>> Rotate(ApiKeyRotation rotation);

    /// <summary>Revokes the key, dropping every frontend's lease before it answers; null if the key does not exist.</summary>
    [Alias("revoke")]
    Task<ApiKeyView?> Revoke(Actor actor);

    /// <summary>
    /// What the key's owner may do now (its organization tells it after every change to the owner's role or the
    /// organization's namespaces). Every frontend's lease is dropped first when that changes what the key may do.
    /// Kept even before the key is created, so a change between recording the key and creating it is not lost.
    /// </summary>
    [Alias("owner-changed")]
    Task OwnerChanged(OwnerRights rights);

    /// <summary>Revokes the key because its owner left its organization (also before it is created).</summary>
    [Alias("revoke-for-owner")]
    Task RevokeForOwner(string reason);
}
