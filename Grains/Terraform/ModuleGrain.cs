using Microsoft.Extensions.Options;
using OrleansRegistry.Archives;
using OrleansRegistry.Caching;
using OrleansRegistry.Catalog;
using OrleansRegistry.Changes;
using OrleansRegistry.Namespaces;
using OrleansRegistry.Storage;
using OrleansRegistry.Terraform.Interface;
using OrleansRegistry.Versions;

namespace OrleansRegistry.Terraform;

/// <summary>
/// A Terraform module (<c>namespace/name/system</c>): the one writer of its versions, and the holder of the
/// precomputed <c>versions</c> document that every <c>terraform init</c> reads.
/// </summary>
[GrainType("module")]
public sealed class ModuleGrain(
    [PersistentState("module", RegistryStorage.Name)] IPersistentState<ModuleState> state,
    IArtifactStore store,
    ReadModel readModel,
    StateChangeServices changes,
    IOptions<ArchiveLimits> limits,
    TimeProvider clock,
    DocumentHolders holders) : Grain, IModuleGrain
{
    private const string VersionsDocument = "versions";
    private readonly RenderedDocuments<string> _documents = new(holders);
    private StateChanges<ModuleState>? _changes;
    private ModuleAddress? _address;

    private string Key => this.GetPrimaryKeyString();

    private ModuleAddress Address => _address ??= ModuleAddress.Parse(Key);

    private StateChanges<ModuleState> Changes => _changes ??= changes.For(this, state, DropDocumentsAsync, SyncReadModelAsync);

    public override Task OnActivateAsync(CancellationToken cancellationToken) => Changes.ResumeAsync();

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Changes.FlushAsync();

    public async Task<Outcome<ModuleVersionView>> Publish(ModulePublish request)
    {
        if (!SemanticVersion.TryParse(request.Version, out var parsed, out var versionError))
        {
            return Invalid(versionError);
        }

        var version = parsed.ToString();
        if (Find(parsed) is { } existing)
        {
            return existing.Sha256 == request.Sha256 ? Outcome.Of(OutcomeCode.Unchanged, ViewOf(existing))
                : existing.Version == version ? Outcome.Conflict($"version {version} of {Key} already exists with other content")
                : Outcome.Conflict($"version {version} of {Key} has the precedence of the existing version {existing.Version} (build metadata does not count)");
        }

        ModuleArchiveFacts facts;
        await using (var archive = await store.OpenSeekableAsync(request.StorageKey, CancellationToken.None))
        {
            if (archive is null)
            {
                return Invalid("the uploaded archive is missing from the artifact store");
            }

            try
            {
                var capture = new ModuleFileCapture(limits.Value);
                var listing = await ArchiveInspector.InspectAsync(archive, request.Format, limits.Value, capture.Accept, CancellationToken.None);
                facts = ModuleArchiveFacts.From(listing, capture);
            }
            catch (InvalidArchiveException e)
            {
                return Invalid(e.Message);
            }
        }

        string? readmeKey = null;
        if (facts.Readme is { } readme)
        {
            readmeKey = $"{request.StorageKey}.README.md";
            using var content = new MemoryStream(readme, writable: false);
            await store.WriteAsync(readmeKey, content, readme.Length, CancellationToken.None);
        }

        // Written even when empty: a version with an interface document was read, one without predates reading.
        var interfaceKey = ModuleInterfaceDocument.KeyFor(request.StorageKey);
        await ModuleInterfaceDocument.WriteAsync(store, interfaceKey, facts.Interface, CancellationToken.None);

        var now = clock.GetUtcNow();
        var record = new ModuleVersionRecord
        {
            Version = version,
            PublishedAt = now,
            PublishedBy = request.PublishedBy.KeyId,
            StorageKey = request.StorageKey,
            Size = request.Size,
            Sha256 = request.Sha256,
            Format = request.Format,
            RootPath = facts.RootPath,
            ReadmeKey = readmeKey,
            InterfaceKey = interfaceKey,
            Description = facts.Description,
        };
        await Changes.CommitAsync(s =>
        {
            s.ChangedAt = NextChange(now);
            s.Versions[version] = record;
        }, Audit(request.PublishedBy, "module.publish", version), readmeKey is null ? [interfaceKey] : [readmeKey, interfaceKey]);
        return Outcome.Of(OutcomeCode.Created, ViewOf(record));
    }

    public Task<ProtocolDocument?> GetVersionsDocument(IDocumentHolder? holder)
    {
        if (state.State.Versions.Count == 0)
        {
            return Task.FromResult<ProtocolDocument?>(null);
        }

        return Task.FromResult(_documents.GetOrRender(VersionsDocument, holder, this, static grain => grain.RenderVersions()));
    }

    public Task<ModuleDownload?> Download(string version)
    {
        if (Find(version) is not { } record)
        {
            return Task.FromResult<ModuleDownload?>(null);
        }

        // Counted in memory, written within a flush delay: a download is not worth a database write.
        record.Downloads++;
        Changes.MarkUnsaved(readModel: true);
        return Task.FromResult<ModuleDownload?>(new ModuleDownload(record.StorageKey, record.Format, record.RootPath, record.Sha256));
    }

    public async Task<ModuleDetails?> GetDetails(string? version)
    {
        var record = version is null ? ModuleVersionsDocument.Latest(state.State.Versions.Values) : Find(version);
        if (record is null)
        {
            return null;
        }

        string? readme = null;
        if (record.ReadmeKey is not null && await store.OpenReadAsync(record.ReadmeKey, CancellationToken.None) is { } stream)
        {
            using var reader = new StreamReader(stream);
            readme = await reader.ReadToEndAsync();
        }

        var moduleInterface = record.InterfaceKey is null ? null : await ModuleInterfaceDocument.ReadAsync(store, record.InterfaceKey, CancellationToken.None);
        var versions = ModuleVersionsDocument.Newest(state.State.Versions.Values).Select(v => v.Version).ToArray();
        return new ModuleDetails(Address.Namespace, Address.Name, Address.System, ViewOf(record), readme, versions, state.State.Versions.Values.Sum(v => v.Downloads), moduleInterface);
    }

    public async Task<Outcome> DeleteVersion(string version, Actor actor)
    {
        if (Find(version) is not { } record)
        {
            return VersionNotFound(version);
        }

        await Changes.CommitAsync(s =>
        {
            s.ChangedAt = NextChange(clock.GetUtcNow());
            s.Versions.Remove(record.Version);
        }, Audit(actor, "module.delete-version", record.Version));

        // The blobs go only once the state no longer points at them.
        await changes.DeleteBlobsAsync(new[] { record.StorageKey, record.ReadmeKey, record.InterfaceKey }.OfType<string>());

        return Outcome.Done;
    }

    public async Task<Outcome> SetDeprecation(string version, ModuleDeprecation? deprecation, Actor actor)
    {
        if (Find(version) is not { } record)
        {
            return VersionNotFound(version);
        }

        await Changes.CommitAsync(s =>
        {
            s.ChangedAt = NextChange(clock.GetUtcNow());
            s.Versions[record.Version].Deprecation = deprecation;
        }, Audit(actor, deprecation is null ? "module.undeprecate" : "module.deprecate", record.Version));
        return Outcome.Done;
    }

    private ModuleVersionRecord? Find(string version) => Precedence.Find(state.State.Versions, version);

    private ModuleVersionRecord? Find(SemanticVersion version) => Precedence.Find(state.State.Versions, version);

    private ProtocolDocument RenderVersions() => ModuleVersionsDocument.Build(Key, state.State.Versions.Values, ChangedAt());

    /// <summary>The versions document's Last-Modified; in state written before it was kept, the newest publish time it showed.</summary>
    private DateTimeOffset ChangedAt() => ChangeTimes.KeptOr(state.State.ChangedAt, state.State.Versions.Values.Select(v => v.PublishedAt));

    /// <summary>The Last-Modified of a change made now: later than any the document carried (take it before changing the versions).</summary>
    private DateTimeOffset NextChange(DateTimeOffset now) => ChangeTimes.Next(ChangedAt(), now);

    private AuditRecord Audit(Actor actor, string action, string version) => AuditRecord.Of(actor, action, $"{Key}@{version}", clock.GetUtcNow());

    private Task DropDocumentsAsync() => _documents.DropAsync(this.GetGrainId());

    /// <summary>The listing row and the namespace's module list, as the state has them now.</summary>
    private async Task SyncReadModelAsync()
    {
        var latest = ModuleVersionsDocument.Latest(state.State.Versions.Values);
        var ns = GrainFactory.GetGrain<INamespaceGrain>(Address.Namespace);
        if (latest is null)
        {
            await ns.RemoveModule($"{Address.Name}/{Address.System}");
            await readModel.DeleteModuleAsync(Address.Namespace, Address.Name, Address.System);
            return;
        }

        await ns.AddModule($"{Address.Name}/{Address.System}");
        var versions = ModuleVersionsDocument.Newest(state.State.Versions.Values).Select(v => v.Version).ToArray();
        var downloads = state.State.Versions.Values.Sum(v => v.Downloads);
        await readModel.UpsertModuleAsync(new ModuleSummary(Address.Namespace, Address.Name, Address.System, latest.Version, latest.Description, latest.PublishedAt, downloads), versions);
    }

    private static Outcome<ModuleVersionView> Invalid(string error) => Outcome.Invalid(error);

    private Outcome VersionNotFound(string version) => Outcome.NotFound($"version {version} of module {Key} not found");

    private static ModuleVersionView ViewOf(ModuleVersionRecord r) =>
        new(r.Version, r.PublishedAt, r.PublishedBy, r.Size, r.Sha256, r.Deprecation, r.RootPath, r.Downloads);
}
