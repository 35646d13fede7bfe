namespace OrleansRegistry.Mirroring;

/// <summary>Persisted state of a mirror: settings, the encrypted upstream token, the sync in progress and past syncs.</summary>
public sealed class MirrorState
{
    public MirrorSettings? Settings { get; set; }

    /// <summary>AES-256-GCM under the configured encryption key; never returned by the API.</summary>
    public byte[]? UpstreamToken { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public int LastSyncNumber { get; set; }

    /// <summary>Set while a sync runs; still set after a crash, which is how the next activation knows to resume.</summary>
    public MirrorSyncRecord? Running { get; set; }

    /// <summary>Newest first.</summary>
    public List<MirrorSyncRecord> History { get; set; } = [];

    public DateTimeOffset? NextSyncAt { get; set; }
}
