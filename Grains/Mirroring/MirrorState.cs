using System.Text.Json.Serialization;
using OrleansRegistry.Changes;

namespace OrleansRegistry.Mirroring;

/// <summary>Persisted state of a mirror: settings, the encrypted upstream token, the sync in progress and past syncs.</summary>
public sealed class MirrorState : IHasFollowUps
{
    [JsonConverter(typeof(MirrorSettingsJson))]
    public MirrorSettings? Settings { get; set; }

    /// <summary>Upstream credentials (JSON), AES-256-GCM under the configured encryption key; never returned by the API.</summary>
    public byte[]? Credentials { get; set; }

    /// <summary>The webhook secret, encrypted: webhook signatures are HMACs, so it must be recoverable.</summary>
    public byte[]? WebhookSecret { get; set; }

    /// <summary>Git sources: the commit each published ref (refs/tags/x, refs/heads/y) pointed at.</summary>
    public Dictionary<string, string> Refs { get; set; } = new(StringComparer.Ordinal);

    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public int LastSyncNumber { get; set; }

    /// <summary>Set while a sync runs; still set after a crash, which is how the next activation knows to resume.</summary>
    public MirrorSyncRecord? Running { get; set; }

    /// <summary>Newest first.</summary>
    public List<MirrorSyncRecord> History { get; set; } = [];

    public DateTimeOffset? NextSyncAt { get; set; }

    /// <summary>Webhook deliveries, newest first.</summary>
    public List<WebhookRecord> Deliveries { get; set; } = [];

    public FollowUps FollowUps { get; set; } = new();
}
