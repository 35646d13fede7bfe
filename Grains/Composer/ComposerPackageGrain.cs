using System.Text.Json.Nodes;
using OrleansRegistry.Caching;
using OrleansRegistry.Catalog;
using OrleansRegistry.Changes;
using OrleansRegistry.Terraform;

namespace OrleansRegistry.Composer;

/// <summary>
/// A Composer package (<c>vendor/name</c>): its versions and dists, and the precomputed <c>p2</c> files that
/// every <c>composer install</c> reads.
/// </summary>
[GrainType("composer-package")]
public sealed class ComposerPackageGrain(
    [PersistentState("composer-package", RegistryStorage.Name)] IPersistentState<ComposerPackageState> state,
    ReadModel readModel,
    StateChangeServices changes,
    TimeProvider clock,
    DocumentHolders holders) : Grain, IComposerPackageGrain
{
    // Rendered p2 files per (dev, base URL): normally one or two entries (the HTTP and HTTPS addresses).
    private readonly RenderedDocuments<(bool Dev, string BaseUrl)> _documents = new(holders, capacity: 8);
    private StateChanges<ComposerPackageState>? _changes;

    private string Key => this.GetPrimaryKeyString();

    private StateChanges<ComposerPackageState> Changes => _changes ??= changes.For(this, state, DropDocumentsAsync, SyncReadModelAsync);

    public override Task OnActivateAsync(CancellationToken cancellationToken) => Changes.ResumeAsync();

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Changes.FlushAsync();

    public async Task<Outcome<ComposerPublished>> Publish(ComposerPublish request)
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
        if (!ComposerVersion.TryNormalize(version, out var normalized))
        {
            return Invalid($"'{version}' is not a valid Composer version (e.g. 1.2, v1.2.3, 1.0.0-beta2, dev-main, dev-feature/x, 1.x-dev)");
        }

        if (normalized.StartsWith("dev-", StringComparison.Ordinal) && !ComposerVersion.IsBranchName(normalized[4..]))
        {
            // Its name goes into dist URLs (and composer.lock): feature/x is fine, ../x or a//b are not.
            return Invalid($"'{version}' is not a branch name Git would accept (e.g. dev-main, dev-feature/x; no '..', no leading, trailing or double '/', no spaces or ~^:?*[\\)");
        }

        var dev = ComposerStability.IsDev(normalized);
        if (request.DefaultBranch && !dev)
        {
            return Invalid($"only a branch (dev version) can be the default branch, not {version}");
        }

        var reference = request.Reference ?? request.Sha1;
        var existing = Find(normalized);
        if (existing is not null && Sha1Of(existing) == request.Sha1 && existing.Reference == reference)
        {
            return Outcome.Of(OutcomeCode.Unchanged, new ComposerPublished(existing.Version, existing.VersionNormalized, existing.Reference));
        }

        var replaced = request.ReplaceDev && dev ? existing : null;
        if (existing is not null && replaced is null)
        {
            return Outcome.Conflict(existing.VersionNormalized == normalized
                ? $"version {version} ({normalized}) of {Key} already exists with other content"
                : $"version {version} ({normalized}) of {Key} is the existing version {existing.Version} ({existing.VersionNormalized})");
        }

        var dist = new JsonObject
        {
            ["type"] = "zip",
            ["url"] = DistPath(normalized, reference),
            ["reference"] = reference,
            ["shasum"] = request.Sha1,
        };
        var now = clock.GetUtcNow();
        var metadata = ComposerManifest.ToVersionMetadata(manifest, version, normalized, dist, now);
        if (request.DefaultBranch)
        {
            metadata["default-branch"] = true;
        }

        var record = new ComposerVersionRecord
        {
            Version = version,
            VersionNormalized = normalized,
            Metadata = Utf8JsonTextConverter.Utf8(metadata),
            StorageKey = request.StorageKey,
            Sha1 = request.Sha1,
            Reference = reference,
            Size = request.Size,
            PublishedAt = now,
            PublishedBy = request.PublishedBy.KeyId,
        };
        await Changes.CommitAsync(s =>
        {
            if (request.DefaultBranch)
            {
                ClearDefaultBranch(s);
            }

            s.Versions[normalized] = record;
            Touch(s, dev, now);
        }, AuditRecord.Of(request.PublishedBy, "composer.publish", $"{Key}@{normalized}", now));

        if (replaced is not null && replaced.StorageKey != request.StorageKey)
        {
            // The branch moved: its previous dist is no longer served.
            await changes.DeleteBlobsAsync([replaced.StorageKey]);
        }

        return Outcome.Of(OutcomeCode.Created, new ComposerPublished(version, normalized, reference));
    }

    public Task<ProtocolDocument?> GetMetadata(bool dev, string baseUrl, IDocumentHolder? holder) =>
        Task.FromResult(_documents.GetOrRender((dev, baseUrl), holder, (Grain: this, Dev: dev, BaseUrl: baseUrl),
            static arg => arg.Grain.RenderMetadata(arg.Dev, arg.BaseUrl)));

    /// <summary>The p2 file of the tags or the branches, with dist URLs under <paramref name="baseUrl"/>; null when there are none.</summary>
    private ProtocolDocument? RenderMetadata(bool dev, string baseUrl)
    {
        var versions = state.State.Versions.Values.Where(v => ComposerStability.IsDev(v.VersionNormalized) == dev).ToList();
        return versions.Count == 0
            ? null
            : ComposerMetadata.Build(Key, Newest(versions).Select(v => Metadata(v, baseUrl)), dev ? state.State.DevChangedAt : state.State.TagsChangedAt);
    }

    public Task<bool> Exists(IDocumentHolder? holder)
    {
        _documents.Remember(holder);
        return Task.FromResult(state.State.Versions.Count > 0);
    }

    public Task<string?> GetDist(string versionNormalized, string reference, IDocumentHolder? holder)
    {
        _documents.Remember(holder);
        return Task.FromResult(state.State.Versions.GetValueOrDefault(versionNormalized) is { } v && v.Reference == reference ? v.StorageKey : null);
    }

    public async Task<Outcome> DeleteVersion(string version, Actor actor)
    {
        var record = ComposerVersion.TryNormalize(version, out var normalized) ? Find(normalized) : null;
        if (record is null)
        {
            return Outcome.NotFound($"version {version} of {Key} not found");
        }

        var now = clock.GetUtcNow();
        await Changes.CommitAsync(s =>
        {
            s.Versions.Remove(record.VersionNormalized);
            Touch(s, ComposerStability.IsDev(record.VersionNormalized), now);
        }, AuditRecord.Of(actor, "composer.delete-version", $"{Key}@{record.VersionNormalized}", now));
        await changes.DeleteBlobsAsync([record.StorageKey]);
        return Outcome.Done;
    }

    public async Task<Outcome> SetAbandoned(bool abandoned, string? replacement, Actor actor)
    {
        if (state.State.Versions.Count == 0)
        {
            return Outcome.NotFound($"package {Key} not found");
        }

        var now = clock.GetUtcNow();
        await Changes.CommitAsync(s =>
        {
            s.Abandoned = abandoned;
            s.Replacement = abandoned ? replacement : null;
            Touch(s, dev: false, now);
            Touch(s, dev: true, now);
        }, AuditRecord.Of(actor, abandoned ? "composer.abandon" : "composer.unabandon", Key, now));
        return Outcome.Done;
    }

    public Task<ComposerPackageView?> GetView() =>
        Task.FromResult(state.State.Versions.Count == 0
            ? null
            : new ComposerPackageView(Key, state.State.Abandoned, state.State.Replacement, [.. Newest(state.State.Versions.Values)
                .Select(v => new ComposerVersionSummary(v.Version, v.VersionNormalized, v.Reference, v.Size, v.PublishedAt, v.Installs))]));

    public Task<string?> GetVersionMetadata(string versionNormalized) =>
        Task.FromResult(state.State.Versions.GetValueOrDefault(versionNormalized) is { } record ? System.Text.Encoding.UTF8.GetString(record.Metadata) : null);

    public Task CountInstall(string versionNormalized)
    {
        if (state.State.Versions.GetValueOrDefault(versionNormalized) is { } record)
        {
            // Counted in memory, written within a flush delay: an install is not worth a database write.
            record.Installs++;
            Changes.MarkUnsaved(readModel: true);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The version <paramref name="normalized"/>, or a tag equal to it in precedence (<c>01.0.0</c> is <c>1.0.0</c>):
    /// Composer would see the two as one version.
    /// </summary>
    private ComposerVersionRecord? Find(string normalized) =>
        state.State.Versions.GetValueOrDefault(normalized)
        ?? (ComposerStability.IsDev(normalized) ? null : state.State.Versions.Values.FirstOrDefault(v =>
            !ComposerStability.IsDev(v.VersionNormalized) && ComposerVersionComparer.Instance.Compare(v.VersionNormalized, normalized) == 0));

    /// <summary>The dist URL's path: stable (composer.lock keeps it); each part of a branch name like feature/x escaped on its own.</summary>
    private string DistPath(string normalized, string reference) =>
        $"/dists/{Key}/{string.Join('/', normalized.Split('/').Select(Uri.EscapeDataString))}/{Uri.EscapeDataString(reference)}.zip";

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

    private static string Sha1Of(ComposerVersionRecord record) =>
        record.Sha1.Length > 0 ? record.Sha1 : JsonNode.Parse(record.Metadata)?["dist"]?["shasum"]?.GetValue<string>() ?? "";

    private static void ClearDefaultBranch(ComposerPackageState s)
    {
        foreach (var other in s.Versions.Values.Where(v => v.Metadata.AsSpan().IndexOf("\"default-branch\""u8) >= 0))
        {
            var otherMetadata = (JsonObject)JsonNode.Parse(other.Metadata)!;
            otherMetadata.Remove("default-branch");
            other.Metadata = Utf8JsonTextConverter.Utf8(otherMetadata);
        }
    }

    private static IEnumerable<ComposerVersionRecord> Newest(IEnumerable<ComposerVersionRecord> versions) =>
        versions.OrderByDescending(v => v.VersionNormalized, ComposerVersionComparer.Instance);

    private static void Touch(ComposerPackageState s, bool dev, DateTimeOffset now)
    {
        if (dev)
        {
            s.DevChangedAt = ChangeTimes.Next(s.DevChangedAt, now);
        }
        else
        {
            s.TagsChangedAt = ChangeTimes.Next(s.TagsChangedAt, now);
        }
    }

    private Task DropDocumentsAsync() => _documents.DropAsync(this.GetGrainId());

    /// <summary>The catalog (which packages.json lists: first, Composer asks only for what it lists) and the listing row.</summary>
    private async Task SyncReadModelAsync()
    {
        var catalog = GrainFactory.GetGrain<IComposerCatalogGrain>(0);
        if (state.State.Versions.Count == 0)
        {
            await catalog.Remove(Key);
            await readModel.DeleteComposerPackageAsync(Key);
            return;
        }

        await catalog.Add(Key);
        var description = Newest(state.State.Versions.Values).Select(v => JsonNode.Parse(v.Metadata)?["description"]?.GetValue<string>()).FirstOrDefault();
        var abandoned = state.State.Abandoned ? state.State.Replacement ?? "" : null;
        await readModel.UpsertComposerPackageAsync(Key, description, abandoned, state.State.Versions.Values.Sum(v => v.Installs));
    }

    private static Outcome<ComposerPublished> Invalid(string error) => Outcome.Invalid(error);
}
