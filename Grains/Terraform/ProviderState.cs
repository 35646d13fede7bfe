using OrleansRegistry.Changes;

namespace OrleansRegistry.Terraform;

/// <summary>Persisted state of a provider: versions, platforms and where their files are. No blobs.</summary>
public sealed class ProviderState : IHasFollowUps
{
    public Dictionary<string, ProviderVersionRecord> Versions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>When the provider's documents last changed (<see cref="Caching.ChangeTimes"/>); unset in state written before it existed.</summary>
    public DateTimeOffset ChangedAt { get; set; }

    public FollowUps FollowUps { get; set; } = new();
}

public sealed class ProviderVersionRecord
{
    public string Version { get; set; } = "";
    public string[] Protocols { get; set; } = [];
    public List<ProviderPlatform> Platforms { get; set; } = [];
    public string Sha256SumsKey { get; set; } = "";
    public string SignatureKey { get; set; } = "";
    public string KeyId { get; set; } = "";

    /// <summary>The signing key's armor as it was at publish time, so a version keeps verifying whatever happens to the key list.</summary>
    public string KeyArmor { get; set; } = "";
    public bool RegistrySigned { get; set; }
    public DateTimeOffset PublishedAt { get; set; }
    public string PublishedBy { get; set; } = "";
    public ProviderDeprecation? Deprecation { get; set; }
}
