using OrleansRegistry.Caching;

namespace OrleansRegistry.Terraform;

/// <summary>
/// The provider's precomputed documents: the protocol's versions, the network mirror's index, and the download and
/// mirror-version documents (templates the frontends splice signed URLs into), each rendered once per change.
/// </summary>
public sealed partial class ProviderGrain
{
    private ProtocolDocument? _versionsDocument;
    private ProtocolDocument? _mirrorIndex;

    // Download and mirror-version documents by "version/os/arch" or "version", rendered on first use.
    private readonly Dictionary<string, SignedUrlTemplate> _templates = new(StringComparer.Ordinal);
    private readonly SharedSegments _signingKeyBlocks = new();

    public Task<ProtocolDocument?> GetVersionsDocument(IDocumentHolder? holder)
    {
        if (state.State.Versions.Count == 0)
        {
            return Task.FromResult<ProtocolDocument?>(null);
        }

        holders.Remember(holder);
        _versionsDocument ??= ProviderDocuments.Versions(Key, state.State.Versions.Values, ChangedAt());
        return Task.FromResult<ProtocolDocument?>(_versionsDocument);
    }

    public Task<ProtocolDocument?> GetMirrorIndex()
    {
        if (state.State.Versions.Count == 0)
        {
            return Task.FromResult<ProtocolDocument?>(null);
        }

        _mirrorIndex ??= ProviderDocuments.MirrorIndex(state.State.Versions.Values, ChangedAt());
        return Task.FromResult<ProtocolDocument?>(_mirrorIndex);
    }

    public Task<SignedUrlTemplate?> GetDownloadTemplate(string version, string os, string arch, IDocumentHolder? holder)
    {
        var record = Find(version);
        var platform = record?.Platforms.FirstOrDefault(p => p.Os == os && p.Arch == arch);
        if (platform is null)
        {
            return Task.FromResult<SignedUrlTemplate?>(null);
        }

        var key = $"{record!.Version}/{os}/{arch}";
        if (!_templates.TryGetValue(key, out var template))
        {
            template = SignedUrlTemplates.Download(record.Protocols, platform, record.Sha256SumsKey, record.SignatureKey, record.KeyId, record.KeyArmor,
                record.RegistrySigned ? "OrleansRegistry" : Namespace, _signingKeyBlocks);
            _templates[key] = template;
        }

        holders.Remember(holder);
        return Task.FromResult<SignedUrlTemplate?>(template);
    }

    public Task<SignedUrlTemplate?> GetMirrorVersionTemplate(string version, IDocumentHolder? holder)
    {
        if (Find(version) is not { } record)
        {
            return Task.FromResult<SignedUrlTemplate?>(null);
        }

        if (!_templates.TryGetValue(record.Version, out var template))
        {
            template = SignedUrlTemplates.MirrorVersion(record.Platforms);
            _templates[record.Version] = template;
        }

        holders.Remember(holder);
        return Task.FromResult<SignedUrlTemplate?>(template);
    }

    private Task DropDocumentsAsync()
    {
        _versionsDocument = null;
        _templates.Clear();
        _mirrorIndex = null;
        return holders.DropAsync(this.GetGrainId());
    }

    /// <summary>The documents' Last-Modified; in state written before it was kept, the newest publish time they showed.</summary>
    private DateTimeOffset ChangedAt() => ChangeTimes.KeptOr(state.State.ChangedAt, state.State.Versions.Values.Select(v => v.PublishedAt));

    /// <summary>The Last-Modified of a change made now: later than any the documents carried (take it before changing the versions).</summary>
    private DateTimeOffset NextChange(DateTimeOffset now) => ChangeTimes.Next(ChangedAt(), now);
}
