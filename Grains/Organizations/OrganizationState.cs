using OrleansRegistry.Changes;

namespace OrleansRegistry.Organizations;

/// <summary>Persisted state of an organization. Stored as JSON (System.Text.Json), so plain properties.</summary>
public sealed class OrganizationState : IHasFollowUps
{
    public string? DisplayName { get; set; }

    /// <summary>Where expiry warnings of its service accounts' keys go; null: to the operators' mailbox.</summary>
    public string? ContactEmail { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public SortedSet<string> Namespaces { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Custom roles by name: their scopes.</summary>
    public SortedDictionary<string, string[]> CustomRoles { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Members by <see cref="MemberRecord.KeyOf"/>.</summary>
    public SortedDictionary<string, MemberRecord> Members { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Keys whose owner's rights changed, and keys whose owner was removed: told (or revoked) as a follow-up of the
    /// change, retried until each key took it, so a narrowing is never lost to a failed call.
    /// </summary>
    public SortedSet<string> KeysToTell { get; set; } = new(StringComparer.Ordinal);

    public SortedSet<string> KeysToRevoke { get; set; } = new(StringComparer.Ordinal);

    public bool Exists => DisplayName is not null;

    public FollowUps FollowUps { get; set; } = new();
}

public sealed class MemberRecord
{
    public MemberKind Kind { get; set; }
    public string Id { get; set; } = "";
    public string Role { get; set; } = "";
    public DateTimeOffset AddedAt { get; set; }
    public string AddedBy { get; set; } = "";
    public SortedSet<string> KeyIds { get; set; } = new(StringComparer.Ordinal);

    public static string KeyOf(MemberKind kind, string id) => MemberKinds.Member(kind, id);

    public MemberView View() => new(Kind, Id, Role, AddedAt, AddedBy, [.. KeyIds]);
}
