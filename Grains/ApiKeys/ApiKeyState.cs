using OrleansRegistry.Changes;
using OrleansRegistry.Organizations;

namespace OrleansRegistry.ApiKeys;

/// <summary>Persisted state of an API key. Stored as JSON (System.Text.Json), so plain properties.</summary>
public sealed class ApiKeyState : IHasFollowUps
{
    public string? Name { get; set; }
    public byte[] SecretHash { get; set; } = [];
    public string[] Scopes { get; set; } = [];
    public string[]? Namespaces { get; set; }

    /// <summary>The Composer package patterns the key is limited to; null (and absent in older state) = every package.</summary>
    public string[]? PackagePatterns { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>The secret before the last rotation, and until when it still works (the rotation's grace period).</summary>
    public byte[]? PreviousSecretHash { get; set; }

    public DateTimeOffset? PreviousSecretValidUntil { get; set; }

    /// <summary>Requests per hour; null = the registry's default, 0 = unlimited.</summary>
    public int? RateLimitPerHour { get; set; }

    /// <summary>The member of an organization the key belongs to (null: a registry-wide key), and what it may do now.</summary>
    public KeyOwner? Owner { get; set; }

    public OwnerRights? OwnerRights { get; set; }

    /// <summary>
    /// The expiry warnings (days before expiry) recorded as sent, before they were handed to the mail server, so none
    /// goes twice; those no longer due are dropped when the expiry moves.
    /// </summary>
    public List<double> SentExpiryWarnings { get; set; } = [];

    public bool Exists => Name is not null;

    public FollowUps FollowUps { get; set; } = new();
}
