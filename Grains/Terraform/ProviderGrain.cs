using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using OrleansRegistry.Archives;
using OrleansRegistry.Caching;
using OrleansRegistry.Catalog;
using OrleansRegistry.Changes;
using OrleansRegistry.Namespaces;
using OrleansRegistry.Storage;
using OrleansRegistry.Versions;

namespace OrleansRegistry.Terraform;

/// <summary>
/// A Terraform provider (<c>namespace/type</c>): validates and records signed releases, and holds the precomputed
/// provider-protocol and network-mirror documents.
/// </summary>
[GrainType("provider")]
public sealed partial class ProviderGrain(
    [PersistentState("provider", RegistryStorage.Name)] IPersistentState<ProviderState> state,
    IArtifactStore store,
    RegistryIndex index,
    StateChangeServices changes,
    IOptions<ArchiveLimits> limits,
    TimeProvider clock,
    DocumentHolders holders) : Grain, IProviderGrain
{
    private const int MaxSumsBytes = 1 << 20;
    private const int MaxSignatureBytes = 64 * 1024;
    private StateChanges<ProviderState>? _changes;

    private string Key => this.GetPrimaryKeyString();

    private string Namespace => Key.Split('/')[^2];

    private string Type => Key.Split('/')[^1];

    /// <summary>Mirrored providers (<c>hostname/ns/type</c>) change only through <see cref="Import"/>.</summary>
    private bool IsMirrored => Key.Count(c => c == '/') == 2;

    private StateChanges<ProviderState> Changes => _changes ??= changes.For(this, state, DropDocumentsAsync, SyncReadModelAsync);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Storage gives every version its own copy of its signing key's armor: versions signed with one key share one.
        foreach (var record in state.State.Versions.Values)
        {
            record.KeyArmor = SharedArmor(record.KeyArmor);
        }

        return Changes.ResumeAsync();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Changes.FlushAsync();

    public async Task<Outcome<ProviderVersionView>> Publish(ProviderPublish request)
    {
        if (IsMirrored)
        {
            return Invalid($"{Key} is a mirrored provider; its versions come from the mirror's upstream");
        }

        if (!SemanticVersion.TryParse(request.Version, out var parsed, out var versionError))
        {
            return Invalid(versionError);
        }

        var version = parsed.ToString();
        var protocols = request.Protocols.Length == 0 ? ["5.0"] : request.Protocols;
        if (protocols.FirstOrDefault(p => !ProtocolPattern().IsMatch(p)) is { } badProtocol)
        {
            return Invalid($"protocol '{badProtocol}' is not MAJOR.MINOR (e.g. 5.0 or 6.0)");
        }

        if (request.Zips.Length == 0)
        {
            return Invalid($"no platform archive: upload files named {ProviderArchive.ZipName(Type, version, "<os>", "<arch>")}");
        }

        var existing = Find(parsed);
        if (existing is not null && await IsRepeatAsync(existing, request))
        {
            return Outcome.Of(OutcomeCode.Unchanged, ViewOf(existing));
        }

        if (existing is not null && (!existing.RegistrySigned || request.Sha256Sums is not null))
        {
            return Outcome.Conflict(existing.Version == version
                ? $"version {version} of {Key} already exists; platforms can be added only to versions the registry signed (upload zips without SHA256SUMS)"
                : $"version {version} of {Key} has the precedence of the existing version {existing.Version} (build metadata does not count)");
        }

        version = existing?.Version ?? version;
        var platforms = new List<ProviderPlatform>();
        foreach (var zip in request.Zips)
        {
            if (ProviderArchive.ParseZipName(zip.FileName, Type, version, out var nameProblem) is not var (os, arch))
            {
                return Invalid(nameProblem!);
            }

            if (platforms.Any(p => p.Os == os && p.Arch == arch) || existing?.Platforms.Any(p => p.Os == os && p.Arch == arch) == true)
            {
                return existing?.Platforms.Any(p => p.Os == os && p.Arch == arch) == true
                    ? Outcome.Conflict($"platform {os}_{arch} of {Key} {version} already exists with other content")
                    : Invalid($"platform {os}_{arch} is uploaded twice");
            }

            await using var content = await store.OpenReadAsync(zip.StorageKey, CancellationToken.None);
            if (content is null)
            {
                return Invalid($"'{zip.FileName}' is missing from the artifact store");
            }

            try
            {
                var h1 = await ProviderArchive.HashAsync(content, limits.Value, CancellationToken.None);
                platforms.Add(new ProviderPlatform(os, arch, zip.FileName, zip.StorageKey, zip.Sha256, h1, zip.Size));
            }
            catch (InvalidArchiveException e)
            {
                return Invalid($"{zip.FileName}: {e.Message}");
            }
        }

        var release = request.Sha256Sums is null
            ? await RegistrySignAsync(version, [.. existing?.Platforms ?? [], .. platforms], request)
            : await VerifyReleaseAsync(version, platforms, request);
        if (release.Error is not null)
        {
            return Invalid(release.Error);
        }

        var now = clock.GetUtcNow();
        var record = new ProviderVersionRecord
        {
            Version = version,
            Protocols = existing?.Protocols ?? protocols,
            PublishedAt = existing?.PublishedAt ?? now,
            PublishedBy = existing?.PublishedBy ?? request.PublishedBy.KeyId,
            Deprecation = existing?.Deprecation,
            Platforms = [.. existing?.Platforms ?? [], .. platforms],
            Sha256SumsKey = release.SumsKey!,
            SignatureKey = release.SignatureKey!,
            KeyId = release.Key!.KeyId,
            KeyArmor = SharedArmor(release.Key.AsciiArmor),
            RegistrySigned = request.Sha256Sums is null,
        };
        await Changes.CommitAsync(s =>
        {
            s.ChangedAt = NextChange(now);
            s.Versions[version] = record;
        }, AuditRecord.Of(request.PublishedBy, "provider.publish", $"{Key}@{version}", now, new { Platforms = string.Join(',', platforms.Select(p => $"{p.Os}_{p.Arch}")) }), release.Written);

        if (existing is not null)
        {
            // The version's previous registry-made SHA256SUMS and signature are superseded.
            await changes.DeleteBlobsAsync([existing.Sha256SumsKey, existing.SignatureKey]);
        }

        return Outcome.Of(OutcomeCode.Created, ViewOf(record));
    }

    public async Task<int> Import(ProviderImport[] versions)
    {
        // A sync offers what it has; only what is new is written (and only then are frontends told).
        var added = versions.Sum(v => NewPlatforms(v).Length);
        if (added == 0)
        {
            return 0;
        }

        var now = clock.GetUtcNow();
        await Changes.CommitAsync(s =>
        {
            s.ChangedAt = NextChange(now);
            foreach (var import in versions)
            {
                Import(s, import, now);
            }
        });
        return added;
    }

    /// <summary>
    /// The platforms an import adds: all of a new version's; of a stored one, those it lacks, if the SHA256SUMS is the
    /// same file (platforms fetched by a later sync belong to the same signed release only then).
    /// </summary>
    private ProviderPlatform[] NewPlatforms(ProviderImport import) =>
        state.State.Versions.GetValueOrDefault(import.Version) is not { } existing ? import.Platforms
        : existing.Sha256SumsKey != import.Sha256SumsKey ? []
        : [.. import.Platforms.Where(p => !existing.Platforms.Any(e => e.Os == p.Os && e.Arch == p.Arch))];

    /// <summary>Adds a mirrored version, or the platforms a later sync fetched of it.</summary>
    private void Import(ProviderState s, ProviderImport import, DateTimeOffset now)
    {
        var missing = NewPlatforms(import);
        if (s.Versions.GetValueOrDefault(import.Version) is { } existing)
        {
            existing.Platforms.AddRange(missing);
            return;
        }

        if (missing.Length > 0)
        {
            s.Versions[import.Version] = new ProviderVersionRecord
            {
                Version = import.Version,
                Protocols = import.Protocols,
                Platforms = [.. import.Platforms],
                Sha256SumsKey = import.Sha256SumsKey,
                SignatureKey = import.SignatureKey,
                KeyId = import.KeyId,
                KeyArmor = SharedArmor(import.KeyArmor),
                PublishedAt = now,
                PublishedBy = $"mirror:{import.MirrorId}",
            };
        }
    }

    public Task<ProviderVersionView?> GetVersion(string version) => Task.FromResult(Find(version) is { } r ? ViewOf(r) : null);

    public Task<ProviderVersionView[]> GetVersions() =>
        Task.FromResult(ProviderDocuments.Newest(state.State.Versions.Values).Select(ViewOf).ToArray());

    public async Task<Outcome> DeleteVersion(string version, Actor actor)
    {
        if (Find(version) is not { } record)
        {
            return Outcome.NotFound($"version {version} of provider {Key} not found");
        }

        var now = clock.GetUtcNow();
        await Changes.CommitAsync(s =>
        {
            s.ChangedAt = NextChange(now);
            s.Versions.Remove(record.Version);
        }, AuditRecord.Of(actor, "provider.delete-version", $"{Key}@{record.Version}", now));
        await changes.DeleteBlobsAsync(record.Platforms.Select(p => p.StorageKey).Append(record.Sha256SumsKey).Append(record.SignatureKey));

        return Outcome.Done;
    }

    public async Task<Outcome> SetDeprecation(string version, ModuleDeprecation? deprecation, Actor actor)
    {
        if (Find(version) is not { } record)
        {
            return Outcome.NotFound($"version {version} of provider {Key} not found");
        }

        var now = clock.GetUtcNow();
        await Changes.CommitAsync(s =>
        {
            s.ChangedAt = NextChange(now);
            s.Versions[record.Version].Deprecation = deprecation;
        }, AuditRecord.Of(actor, deprecation is null ? "provider.undeprecate" : "provider.deprecate", $"{Key}@{record.Version}", now));
        return Outcome.Done;
    }

    /// <summary>The listing row, as the state has it now (removed when no version is left).</summary>
    private Task SyncReadModelAsync()
    {
        var newest = ProviderDocuments.Newest(state.State.Versions.Values).ToList();
        var hostname = IsMirrored ? Key.Split('/')[0] : "";
        return index.UpsertProviderAsync(hostname, Namespace, Type, [.. newest.Select(v => v.Version)], newest.FirstOrDefault()?.Version ?? "", newest.FirstOrDefault()?.PublishedAt ?? default);
    }

    /// <summary>A key armor (1.7 KB or more) equal to <paramref name="armor"/> that a version already holds, else <paramref name="armor"/>.</summary>
    private string SharedArmor(string armor) => state.State.Versions.Values.Select(v => v.KeyArmor).FirstOrDefault(a => a == armor) ?? armor;

    private ProviderVersionRecord? Find(string version) => SemanticVersion.TryParse(version, out var parsed, out _) ? Find(parsed) : null;

    /// <summary>The version of equal precedence: <c>1.0.0</c> finds <c>1.0.0+build.1</c>, since build metadata does not count.</summary>
    private ProviderVersionRecord? Find(SemanticVersion version) =>
        state.State.Versions.GetValueOrDefault(version.ToString())
        ?? state.State.Versions.Values.FirstOrDefault(v => SemanticVersion.TryParse(v.Version, out var stored, out _) && stored.CompareTo(version) == 0);

    private static Outcome<ProviderVersionView> Invalid(string error) => Outcome.Invalid(error);

    private static ProviderVersionView ViewOf(ProviderVersionRecord r) =>
        new(r.Version, r.Protocols, [.. r.Platforms], r.KeyId, r.RegistrySigned, r.PublishedAt, r.Deprecation);

    [GeneratedRegex(@"^\d{1,3}\.\d{1,3}$")]
    private static partial Regex ProtocolPattern();
}
