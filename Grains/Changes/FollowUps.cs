using System.Text.Json;

namespace OrleansRegistry.Changes;

/// <summary>
/// What an acknowledged change still owes the rest of the registry: the read model (listing rows, the catalog and the
/// namespace's package lists) brought in line with the state, and its audit entries. Written in the same state write
/// as the change, so a silo that dies right after acknowledging it loses none of them.
/// </summary>
public sealed class FollowUps
{
    public bool ReadModel { get; set; }

    public List<AuditRecord> Audit { get; set; } = [];

    public bool IsEmpty => !ReadModel && Audit.Count == 0;
}

/// <summary>A grain state that carries the follow-ups of its changes.</summary>
public interface IHasFollowUps
{
    FollowUps FollowUps { get; }
}

/// <summary>An audit entry waiting to be stored; its id makes storing it again (a retry) add nothing.</summary>
public sealed record AuditRecord(Guid Id, DateTimeOffset At, string ActorKeyId, string ActorName, string Action, string Target, string? Details)
{
    private static readonly JsonSerializerOptions DetailsJson = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <param name="details">An object serialized as the entry's JSON details (snake_case members), or null.</param>
    public static AuditRecord Of(Actor actor, string action, string target, DateTimeOffset at, object? details = null) =>
        new(Guid.NewGuid(), at, actor.KeyId, actor.KeyName, action, target, details is null ? null : JsonSerializer.Serialize(details, DetailsJson));
}
