using System.Text.Json.Nodes;
using OrleansRegistry.Caching;
using OrleansRegistry.Catalog;
using OrleansRegistry.Storage;
using OrleansRegistry.Terraform;

namespace OrleansRegistry.Composer;

/// <summary>
/// A Composer package (<c>vendor/name</c>): its versions and dists, and the precomputed <c>p2</c> files that
/// every <c>composer install</c> reads.
/// </summary>
[GrainType("composer-package")]
public sealed class ComposerPackageGrain(
    [PersistentState("composer-package", RegistryStorage.Name)] IPersistentState<ComposerPackageState> state,
    IArtifactStore store,
    RegistryIndex index,
    TimeProvider clock,
    DocumentHolders holders) : Grain, IComposerPackageGrain
{
    private static readonly TimeSpan InstallFlushDelay = TimeSpan.FromSeconds(30);

    // Rendered p2 files per (dev, base URL): normally one or two entries (the HTTP and HTTPS addresses).
    private const int MaxRenderings = 8;
    private readonly Dictionary<(bool Dev, string BaseUrl), ProtocolDocument> _rendered = [];

    // Armed by the first install counted since the last write: an activation nobody installs from has no timer.
    private IGrainTimer? _installFlush;

    private string Key => this.GetPrimaryKeyString();

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => FlushInstallsAsync();

    public async Task<ComposerPublishResult> Publish(ComposerPublish request)
    {
        var manifest = (JsonObject)JsonNode.Parse(request.ManifestJson)!;
        if (manifest["name"]?.GetValue<string>() != Key)
        {
            return Invalid($"composer.json names '{manifest["name"]}', not '{Key}'");
        }

        var version = request.Version ?? (manifest["version"] is JsonValue v && v.TryGetValue<string>(out var declared) ? declared : null);
        if (string.IsNullOrWhiteSpace(version))
        {
            return Invalid("no version: composer.json has no 'version', so give the 'version' form field (e.g. 1.2.0, v1.2.0, 1.0.0-beta2, dev-main)");
        }

        version = version.Trim();
        if (!ComposerVersion.TryNormalize(version, out var normalized) || normalized == "dev-")
        {
            return Invalid($"'{version}' is not a valid Composer version (e.g. 1.2, v1.2.3, 1.0.0-beta2, dev-main, 1.x-dev)");
        }

        if (request.DefaultBranch && !ComposerVersion.IsDev(normalized))
        {
            return Invalid($"only a branch (dev version) can be the default branch, not {version}");
        }

        var replaced = request.ReplaceDev && ComposerVersion.IsDev(normalized) ? state.State.Versions.GetValueOrDefault(normalized) : null;
        if (replaced is null && state.State.Versions.ContainsKey(normalized))
        {
            return new(PublishStatus.VersionExists, $"version {version} ({normalized}) of {Key} already exists", null, null, null);
        }

        var (vendor, name) = (Key.Split('/')[0], Key.Split('/')[1]);
        var reference = request.Reference ?? request.Sha1;
        var dist = new JsonObject
        {
            ["type"] = "zip",
            ["url"] = $"/dists/{vendor}/{name}/{normalized}/{reference}.zip",
            ["reference"] = reference,
            ["shasum"] = request.Sha1,
        };
        var now = clock.GetUtcNow();
        var metadata = ComposerManifest.ToVersionMetadata(manifest, version, normalized, dist, now);
        if (request.DefaultBranch)
        {
            metadata["default-branch"] = true;
            foreach (var other in state.State.Versions.Values.Where(v => v.Metadata.AsSpan().IndexOf("\"default-branch\""u8) >= 0))
            {
                var otherMetadata = (JsonObject)JsonNode.Parse(other.Metadata)!;
                otherMetadata.Remove("default-branch");
                other.Metadata = Utf8JsonTextConverter.Utf8(otherMetadata);
            }
        }

        state.State.Versions[normalized] = new ComposerVersionRecord
        {
            Version = version,
            VersionNormalized = normalized,
            Metadata = Utf8JsonTextConverter.Utf8(metadata),
            StorageKey = request.StorageKey,
            Reference = reference,
            Size = request.Size,
            PublishedAt = now,
            PublishedBy = request.PublishedBy.KeyId,
        };
        Touch(ComposerVersion.IsDev(normalized), now);
        await state.WriteStateAsync();
        await holders.DropAsync(this.GetGrainId());
        if (state.State.Versions.Count == 1)
        {
            await GrainFactory.GetGrain<IComposerCatalogGrain>(0).Add(Key);
        }

        if (replaced is not null && replaced.StorageKey != request.StorageKey)
        {
            // The branch moved: its previous dist is no longer served.
            await store.DeleteAsync(replaced.StorageKey, CancellationToken.None);
        }

        await IndexAsync(manifest["description"]?.GetValue<string>());
        await index.AuditAsync(request.PublishedBy, "composer.publish", $"{Key}@{normalized}");
        return new(PublishStatus.Created, null, version, normalized, reference);
    }

    public Task<ProtocolDocument?> GetMetadata(bool dev, string baseUrl, IDocumentHolder? holder)
    {
        if (_rendered.TryGetValue((dev, baseUrl), out var cached))
        {
            holders.Remember(holder);
            return Task.FromResult<ProtocolDocument?>(cached);
        }

        var versions = state.State.Versions.Values.Where(v => ComposerVersion.IsDev(v.VersionNormalized) == dev).ToList();
        if (versions.Count == 0)
        {
            return Task.FromResult<ProtocolDocument?>(null);
        }

        if (_rendered.Count >= MaxRenderings)
        {
            _rendered.Clear();
        }

        var document = ComposerMetadata.Build(Key, Newest(versions).Select(v => Metadata(v, baseUrl)), dev ? state.State.DevChangedAt : state.State.TagsChangedAt);
        _rendered[(dev, baseUrl)] = document;
        holders.Remember(holder);
        return Task.FromResult<ProtocolDocument?>(document);
    }

    public Task<bool> Exists() => Task.FromResult(state.State.Versions.Count > 0);

    public Task<string?> GetDist(string versionNormalized, string reference) =>
        Task.FromResult(state.State.Versions.GetValueOrDefault(versionNormalized) is { } v && v.Reference == reference ? v.StorageKey : null);

    public async Task<ChangeStatus> DeleteVersion(string version, Actor actor)
    {
        var record = ComposerVersion.TryNormalize(version, out var normalized) ? state.State.Versions.GetValueOrDefault(normalized) : null;
        if (record is null)
        {
            return ChangeStatus.NotFound;
        }

        state.State.Versions.Remove(record.VersionNormalized);
        Touch(ComposerVersion.IsDev(record.VersionNormalized), clock.GetUtcNow());
        await state.WriteStateAsync();
        await holders.DropAsync(this.GetGrainId());
        if (state.State.Versions.Count == 0)
        {
            await GrainFactory.GetGrain<IComposerCatalogGrain>(0).Remove(Key);
        }

        await IndexAsync(null);
        await index.AuditAsync(actor, "composer.delete-version", $"{Key}@{record.VersionNormalized}");
        await store.DeleteAsync(record.StorageKey, CancellationToken.None);
        return ChangeStatus.Done;
    }

    public async Task<ChangeStatus> SetAbandoned(bool abandoned, string? replacement, Actor actor)
    {
        if (state.State.Versions.Count == 0)
        {
            return ChangeStatus.NotFound;
        }

        state.State.Abandoned = abandoned;
        state.State.Replacement = abandoned ? replacement : null;
        var now = clock.GetUtcNow();
        Touch(dev: false, now);
        Touch(dev: true, now);
        await state.WriteStateAsync();
        await holders.DropAsync(this.GetGrainId());
        await IndexAsync(null);
        await index.AuditAsync(actor, abandoned ? "composer.abandon" : "composer.unabandon", Key);
        return ChangeStatus.Done;
    }

    public Task<ComposerPackageView?> GetView() =>
        Task.FromResult(state.State.Versions.Count == 0
            ? null
            : new ComposerPackageView(Key, state.State.Abandoned, state.State.Replacement, [.. Newest(state.State.Versions.Values)
                .Select(v => new ComposerVersionSummary(v.Version, v.VersionNormalized, v.Reference, v.Size, v.PublishedAt, v.Installs))]));

    public Task CountInstall(string versionNormalized)
    {
        if (state.State.Versions.GetValueOrDefault(versionNormalized) is { } record)
        {
            record.Installs++;
            _installFlush ??= this.RegisterGrainTimer(static (self, _) => self.FlushInstallsAsync(), this,
                new GrainTimerCreationOptions(InstallFlushDelay, Timeout.InfiniteTimeSpan) { KeepAlive = false });
        }

        return Task.CompletedTask;
    }

    private JsonObject Metadata(ComposerVersionRecord record, string baseUrl)
    {
        var metadata = (JsonObject)JsonNode.Parse(record.Metadata)!;
        if (metadata["dist"] is JsonObject dist && dist["url"]?.GetValue<string>() is { } path)
        {
            dist["url"] = baseUrl.TrimEnd('/') + path;
        }

        if (state.State.Abandoned)
        {
            metadata["abandoned"] = state.State.Replacement is null ? JsonValue.Create(true) : JsonValue.Create(state.State.Replacement);
        }

        return metadata;
    }

    private static IEnumerable<ComposerVersionRecord> Newest(IEnumerable<ComposerVersionRecord> versions) =>
        versions.OrderByDescending(v => v.VersionNormalized, ComposerVersionComparer.Instance);

    private void Touch(bool dev, DateTimeOffset now)
    {
        if (dev)
        {
            state.State.DevChangedAt = now;
        }
        else
        {
            state.State.TagsChangedAt = now;
        }

        _rendered.Clear();
    }

    private async Task FlushInstallsAsync()
    {
        if (_installFlush is null)
        {
            return;
        }

        _installFlush.Dispose();
        _installFlush = null;
        await state.WriteStateAsync();
        await IndexAsync(null);
    }

    private async Task IndexAsync(string? description)
    {
        if (state.State.Versions.Count == 0)
        {
            await index.DeleteComposerPackageAsync(Key);
            return;
        }

        description ??= Newest(state.State.Versions.Values).Select(v => JsonNode.Parse(v.Metadata)?["description"]?.GetValue<string>()).FirstOrDefault();
        var abandoned = state.State.Abandoned ? state.State.Replacement ?? "" : null;
        await index.UpsertComposerPackageAsync(Key, description, abandoned, state.State.Versions.Values.Sum(v => v.Installs));
    }

    private static ComposerPublishResult Invalid(string error) => new(PublishStatus.Invalid, error, null, null, null);
}

/// <summary>Orders normalized versions as Composer does for display: numeric parts, then stability.</summary>
public sealed class ComposerVersionComparer : IComparer<string>
{
    public static readonly ComposerVersionComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return string.CompareOrdinal(x, y);
        }

        var (xNumbers, xSuffix) = Split(x);
        var (yNumbers, ySuffix) = Split(y);
        for (var i = 0; i < Math.Max(xNumbers.Length, yNumbers.Length); i++)
        {
            var c = (i < xNumbers.Length ? xNumbers[i] : 0).CompareTo(i < yNumbers.Length ? yNumbers[i] : 0);
            if (c != 0)
            {
                return c;
            }
        }

        var rank = Rank(xSuffix).CompareTo(Rank(ySuffix));
        return rank != 0 ? rank : string.CompareOrdinal(xSuffix, ySuffix);
    }

    private static (long[] Numbers, string Suffix) Split(string version)
    {
        if (version.StartsWith("dev-", StringComparison.Ordinal))
        {
            return ([], version);
        }

        var dash = version.IndexOf('-', StringComparison.Ordinal);
        var core = dash < 0 ? version : version[..dash];
        var numbers = core.Split('.').Select(p => long.TryParse(p, out var n) ? n : 0).ToArray();
        return (numbers, dash < 0 ? "" : version[(dash + 1)..]);
    }

    // dev < alpha < beta < RC < stable (no suffix) < patch.
    private static int Rank(string suffix) =>
        suffix.StartsWith("dev", StringComparison.OrdinalIgnoreCase) ? 0
        : suffix.EndsWith("dev", StringComparison.OrdinalIgnoreCase) ? 0
        : suffix.StartsWith("alpha", StringComparison.OrdinalIgnoreCase) ? 1
        : suffix.StartsWith("beta", StringComparison.OrdinalIgnoreCase) ? 2
        : suffix.StartsWith("RC", StringComparison.OrdinalIgnoreCase) ? 3
        : suffix.Length == 0 ? 4
        : 5;
}
