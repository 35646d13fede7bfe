using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRegistry.Archives;
using OrleansRegistry.Caching;
using OrleansRegistry.Catalog;
using OrleansRegistry.Namespaces;
using Orleans.Storage;
using OrleansRegistry.Storage;
using OrleansRegistry.Versions;

namespace OrleansRegistry.Terraform;

/// <summary>
/// A Terraform module (<c>namespace/name/system</c>): the one writer of its versions, and the holder of the
/// precomputed <c>versions</c> document that every <c>terraform init</c> reads.
/// </summary>
[GrainType("module")]
public sealed partial class ModuleGrain(
    [PersistentState("module", RegistryStorage.Name)] IPersistentState<ModuleState> state,
    IArtifactStore store,
    RegistryIndex index,
    IOptions<ArchiveLimits> limits,
    TimeProvider clock,
    DocumentHolders holders,
    ILogger<ModuleGrain> logger) : Grain, IModuleGrain
{
    private static readonly TimeSpan DownloadFlushDelay = TimeSpan.FromSeconds(30);
    private ProtocolDocument? _versionsDocument;

    // Armed by the first download counted since the last write: an activation nobody downloads from has no timer.
    private IGrainTimer? _downloadFlush;

    private string Key => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.IndexStale)
        {
            await TryIndexAsync();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => await FlushDownloadsAsync();

    public async Task<ModulePublishResult> Publish(ModulePublish request)
    {
        if (!SemanticVersion.TryParse(request.Version, out var parsed, out var versionError))
        {
            return Invalid(versionError);
        }

        var version = parsed.ToString();
        if (state.State.Versions.ContainsKey(version))
        {
            return new ModulePublishResult(PublishStatus.VersionExists, $"version {version} of {Key} already exists", null);
        }

        ModuleArchiveFacts facts;
        await using (var archive = await store.OpenReadAsync(request.StorageKey, CancellationToken.None))
        {
            if (archive is null)
            {
                return Invalid("the uploaded archive is missing from the artifact store");
            }

            try
            {
                var listing = await ArchiveInspector.InspectAsync(archive, request.Format, limits.Value, ModuleArchiveFacts.IsReadmeCandidate, CancellationToken.None);
                facts = ModuleArchiveFacts.From(listing);
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

        var record = new ModuleVersionRecord
        {
            Version = version,
            PublishedAt = clock.GetUtcNow(),
            PublishedBy = request.PublishedBy.KeyId,
            StorageKey = request.StorageKey,
            Size = request.Size,
            Sha256 = request.Sha256,
            Format = request.Format,
            RootPath = facts.RootPath,
            ReadmeKey = readmeKey,
            Description = facts.Description,
        };
        state.State.Versions[version] = record;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Versions.Remove(version);
            throw;
        }

        _versionsDocument = null;
        await holders.DropAsync(this.GetGrainId());
        await AfterChangeAsync(request.PublishedBy, "module.publish", version);
        if (state.State.Versions.Count == 1)
        {
            await GrainFactory.GetGrain<INamespaceGrain>(Address.Namespace).AddModule($"{Address.Name}/{Address.System}");
        }

        return new ModulePublishResult(PublishStatus.Created, null, ViewOf(record));
    }

    public Task<ProtocolDocument?> GetVersionsDocument(IDocumentHolder? holder)
    {
        if (state.State.Versions.Count == 0)
        {
            return Task.FromResult<ProtocolDocument?>(null);
        }

        holders.Remember(holder);
        _versionsDocument ??= ModuleVersionsDocument.Build(Key, state.State.Versions.Values, state.State.Versions.Values.Max(v => v.PublishedAt));
        return Task.FromResult<ProtocolDocument?>(_versionsDocument);
    }

    public Task<ModuleDownload?> Download(string version)
    {
        if (Find(version) is not { } record)
        {
            return Task.FromResult<ModuleDownload?>(null);
        }

        record.Downloads++;
        _downloadFlush ??= this.RegisterGrainTimer(static (self, _) => self.FlushDownloadsAsync(), this,
            new GrainTimerCreationOptions(DownloadFlushDelay, Timeout.InfiniteTimeSpan) { KeepAlive = false });
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

        var versions = ModuleVersionsDocument.Newest(state.State.Versions.Values).Select(v => v.Version).ToArray();
        return new ModuleDetails(Address.Namespace, Address.Name, Address.System, ViewOf(record), readme, versions, state.State.Versions.Values.Sum(v => v.Downloads));
    }

    public async Task<ChangeStatus> DeleteVersion(string version, Actor actor)
    {
        if (Find(version) is not { } record)
        {
            return ChangeStatus.NotFound;
        }

        state.State.Versions.Remove(record.Version);
        await state.WriteStateAsync();
        _versionsDocument = null;
        await holders.DropAsync(this.GetGrainId());
        await AfterChangeAsync(actor, "module.delete-version", record.Version);
        if (state.State.Versions.Count == 0)
        {
            await GrainFactory.GetGrain<INamespaceGrain>(Address.Namespace).RemoveModule($"{Address.Name}/{Address.System}");
        }

        // The blobs go only after the state no longer points at them.
        await store.DeleteAsync(record.StorageKey, CancellationToken.None);
        if (record.ReadmeKey is not null)
        {
            await store.DeleteAsync(record.ReadmeKey, CancellationToken.None);
        }

        return ChangeStatus.Done;
    }

    public async Task<ChangeStatus> SetDeprecation(string version, ModuleDeprecation? deprecation, Actor actor)
    {
        if (Find(version) is not { } record)
        {
            return ChangeStatus.NotFound;
        }

        record.Deprecation = deprecation;
        await state.WriteStateAsync();
        _versionsDocument = null;
        await holders.DropAsync(this.GetGrainId());
        await AfterChangeAsync(actor, deprecation is null ? "module.undeprecate" : "module.deprecate", record.Version);
        return ChangeStatus.Done;
    }

    private ModuleVersionRecord? Find(string version) =>
        SemanticVersion.TryParse(version, out var parsed, out _) ? state.State.Versions.GetValueOrDefault(parsed.ToString()) : null;

    private async Task FlushDownloadsAsync()
    {
        if (_downloadFlush is null)
        {
            return;
        }

        _downloadFlush.Dispose();
        _downloadFlush = null;
        await state.WriteStateAsync();
        await TryIndexAsync();
    }

    private async Task AfterChangeAsync(Actor actor, string action, string version)
    {
        await TryIndexAsync();
        try
        {
            await index.AuditAsync(actor, action, $"{Key}@{version}");
        }
        catch (Exception e)
        {
            LogIndexFailed(logger, e, Key);
        }
    }

    /// <summary>Brings the read model in line with the state; a failure is remembered and retried on the next activation.</summary>
    private async Task TryIndexAsync()
    {
        try
        {
            var latest = ModuleVersionsDocument.Latest(state.State.Versions.Values);
            if (latest is null)
            {
                await index.DeleteModuleAsync(Address.Namespace, Address.Name, Address.System);
            }
            else
            {
                var versions = ModuleVersionsDocument.Newest(state.State.Versions.Values).Select(v => v.Version).ToArray();
                var downloads = state.State.Versions.Values.Sum(v => v.Downloads);
                await index.UpsertModuleAsync(new ModuleSummary(Address.Namespace, Address.Name, Address.System, latest.Version, latest.Description, latest.PublishedAt, downloads), versions);
            }

            if (state.State.IndexStale)
            {
                state.State.IndexStale = false;
                await state.WriteStateAsync();
            }
        }
        catch (Exception e) when (e is not InconsistentStateException)
        {
            LogIndexFailed(logger, e, Key);
            state.State.IndexStale = true;
            await state.WriteStateAsync();
        }
    }

    private ModuleAddress? _address;

    private ModuleAddress Address => _address ??= ModuleAddress.Parse(Key);

    private static ModulePublishResult Invalid(string error) => new(PublishStatus.Invalid, error, null);

    private static ModuleVersionView ViewOf(ModuleVersionRecord r) =>
        new(r.Version, r.PublishedAt, r.PublishedBy, r.Size, r.Sha256, r.Deprecation, r.RootPath, r.Downloads);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not update the read model for module {Module}; will retry")]
    private static partial void LogIndexFailed(ILogger logger, Exception exception, string module);
}
