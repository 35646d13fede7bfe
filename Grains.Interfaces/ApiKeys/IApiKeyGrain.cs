namespace OrleansRegistry.ApiKeys;

/// <summary>One API key, keyed by its key id (the part of the token before the secret).</summary>
[Alias("api-key")]
public interface IApiKeyGrain : IGrainWithStringKey
{
    /// <summary>Creates the key; returns null when a key with this id already exists.</summary>
    [Alias("create")]
    Task<ApiKeyView?> Create(ApiKeyCreate request);

    /// <summary>
    /// Checks a presented secret (as its SHA-256) in constant time; every request of every frontend passes here,
    /// so it is read-only and interleaves (its only write is the in-memory last-use time).
    /// </summary>
    [Alias("authenticate"), Orleans.Concurrency.ReadOnly]
    Task<AuthResult> Authenticate(byte[] secretHash);

    [Alias("get")]
    Task<ApiKeyView?> Get();

    /// <summary>Renames the key or changes its rate limit; null when the key does not exist.</summary>
    [Alias("update")]
    Task<ApiKeyView?> Update(ApiKeyUpdate update);

    /// <summary>Revokes the key at once for every frontend; returns null if the key does not exist.</summary>
    [Alias("revoke")]
    Task<ApiKeyView?> Revoke(Actor actor);
}
