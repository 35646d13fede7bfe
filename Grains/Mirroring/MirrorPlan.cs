namespace OrleansRegistry.Mirroring;

/// <summary>A mirror's settings prepared for a sync or a pull-through: with decrypted credentials and the refs it knows.</summary>
public sealed class MirrorPlan(string mirrorId, MirrorSettings settings, MirrorCredentials? credentials, IReadOnlyDictionary<string, string>? knownRefs = null)
{
    public string MirrorId => mirrorId;
    public MirrorSettings Settings => settings;
    public MirrorCredentials? Credentials => credentials;

    /// <summary>Git sources: ref → commit as of the last sync.</summary>
    public IReadOnlyDictionary<string, string> KnownRefs => knownRefs ?? new Dictionary<string, string>();
}
