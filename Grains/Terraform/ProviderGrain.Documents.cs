using OrleansRegistry.Caching;

namespace OrleansRegistry.Terraform;

/// <summary>
/// The provider's precomputed documents: the protocol's versions, the network mirror's index, and the download and
/// mirror-version documents (templates the frontends splice signed URLs into), each rendered once per change.
/// </summary>
public sealed partial class ProviderGrain
{
    private readonly SharedSegments _signingKeyBlocks = new();


    public Task<ProtocolDocument?> GetVersionsDocument(IDocumentHolder? holder)
    {
        if (state.State.Versions.Count == 0)
        {
            return Task.FromResult<ProtocolDocument?>(null);
        }

        return Task.FromResult(_documents.GetOrRender(new("versions"), holder, this, static grain => grain.RenderVersions()));
    }

    public Task<ProtocolDocument?> GetMirrorIndex()
    {
        if (state.State.Versions.Count == 0)
        {
            return Task.FromResult<ProtocolDocument?>(null);
        }

        return Task.FromResult(_documents.GetOrRender(new("mirror-index"), holder: null, this, static grain => grain.RenderMirrorIndex()));
    }

    public Task<SignedUrlTemplate?> GetDownloadTemplate(string version, string os, string arch, IDocumentHolder? holder)
    {
        var record = Find(version);
        var platform = record?.Platforms.FirstOrDefault(p => p.Os == os && p.Arch == arch);
        if (platform is null)
        {
            return Task.FromResult<SignedUrlTemplate?>(null);
        }

        return Task.FromResult(_documents.GetOrRender(new("download", record!.Version, os, arch), holder, (Grain: this, Record: record, Platform: platform),
            static arg => SignedUrlTemplates.Download(arg.Record.Protocols, arg.Platform, arg.Record.Sha256SumsKey, arg.Record.SignatureKey, arg.Record.KeyId,
                arg.Record.KeyArmor, arg.Record.RegistrySigned ? "OrleansRegistry" : arg.Grain.Namespace, arg.Grain._signingKeyBlocks)));
    }

    public Task<SignedUrlTemplate?> GetMirrorVersionTemplate(string version, IDocumentHolder? holder)
    {
        if (Find(version) is not { } record)
        {
            return Task.FromResult<SignedUrlTemplate?>(null);
        }

        return Task.FromResult(_documents.GetOrRender(new("mirror-version", record.Version), holder, record,
            static record => SignedUrlTemplates.MirrorVersion(record.Platforms)));
    }

    private Task DropDocumentsAsync() => _documents.DropAsync(this.GetGrainId());

    private ProtocolDocument RenderVersions() => ProviderDocuments.Versions(Key, state.State.Versions.Values, ChangedAt());

    private ProtocolDocument RenderMirrorIndex() => ProviderDocuments.MirrorIndex(state.State.Versions.Values, ChangedAt());

    /// <summary>The documents' Last-Modified; in state written before it was kept, the newest publish time they showed.</summary>
    private DateTimeOffset ChangedAt() => ChangeTimes.KeptOr(state.State.ChangedAt, state.State.Versions.Values.Select(v => v.PublishedAt));

    /// <summary>The Last-Modified of a change made now: later than any the documents carried (take it before changing the versions).</summary>
    private DateTimeOffset NextChange(DateTimeOffset now) => ChangeTimes.Next(ChangedAt(), now);
}

/// <summary>Which of a provider's rendered documents: a kind, and the version and platform it is of.</summary>
internal readonly record struct ProviderDocumentKey(string Kind, string? Version = null, string? Os = null, string? Arch = null);
