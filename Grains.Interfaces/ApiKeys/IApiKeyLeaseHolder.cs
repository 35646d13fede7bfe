namespace OrleansRegistry.ApiKeys;

/// <summary>A frontend holding leases of API keys; told to drop a key's lease when it is revoked or changed.</summary>
[Alias("api-key-lease-holder")]
public interface IApiKeyLeaseHolder : IGrainObserver
{
    [Alias("drop")]
    Task Drop(string keyId);
}
