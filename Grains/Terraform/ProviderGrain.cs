using System.Text.RegularExpressions;
using OrleansRegistry.Caching;
using OrleansRegistry.Catalog;
using OrleansRegistry.Changes;
using OrleansRegistry.Namespaces;
using OrleansRegistry.Versions;

namespace OrleansRegistry.Terraform;

/// <summary>
/// A Terraform provider (<c>namespace/type</c>): records signed releases (checked, or signed, by
/// <see cref="ProviderReleaseVerifier"/>), and holds the precomputed provider-protocol and network-mirror documents.
/// </summary>
[GrainType("provider")]
public sealed partial class ProviderGrain(
    [PersistentState("provider", RegistryStorage.Name)] IPersistentState<ProviderState> state,
    ReadModel readModel,
    StateChangeServices changes,
    ProviderReleaseVerifier releases,
    TimeProvider clock,
    DocumentHolders holders) : Grain, IProviderGrain
{
    private StateChanges<ProviderState>? _changes;

    // The versions document, the network mirror's index, and the download and mirror-version templates.
    private readonly RenderedDocuments<ProviderDocumentKey> _documents = new(holders);

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
        var upload = new ProviderReleaseUpload(Namespace, Type, version, request.Zips, request.Sha256Sums, request.Signature, existing?.Platforms ?? []);
        var check = await releases.VerifyAsync(upload, new NamespaceSigningKeys(GrainFactory.GetGrain<INamespaceGrain>(Namespace), request.PublishedBy), CancellationToken.None);
        if (check.Value is not { } release)
        {
            return check.WithoutValue();
        }

        var now = clock.GetUtcNow();
        var record = new ProviderVersionRecord
        {
            Version = version,
            Protocols = existing?.Protocols ?? protocols,
            PublishedAt = existing?.PublishedAt ?? now,
            PublishedBy = existing?.PublishedBy ?? request.PublishedBy.KeyId,
            Deprecation = existing?.Deprecation,
            Platforms = [.. existing?.Platforms ?? [], .. release.Platforms],
            Sha256SumsKey = release.Sha256SumsKey,
            SignatureKey = release.SignatureKey,
            KeyId = release.Key.KeyId,
            KeyArmor = SharedArmor(release.Key.AsciiArmor),
            RegistrySigned = request.Sha256Sums is null,
        };
        await Changes.CommitAsync(s =>
        {
            s.ChangedAt = NextChange(now);
            s.Versions[version] = record;
        }, AuditRecord.Of(request.PublishedBy, "provider.publish", $"{Key}@{version}", now, new { Platforms = string.Join(',', release.Platforms.Select(p => $"{p.Os}_{p.Arch}")) }), release.Written);

        if (existing is not null)
        {
            // The version's previous registry-made SHA256SUMS and signature are superseded.
            await changes.DeleteBlobsAsync([existing.Sha256SumsKey, existing.SignatureKey]);
        }

        return Outcome.Of(OutcomeCode.Created, ViewOf(record));
    }

    /// <summary>A publish that repeats what is stored: every zip already a platform of the version byte for byte, and the same SHA256SUMS.</summary>
    private async Task<bool> IsRepeatAsync(ProviderVersionRecord existing, ProviderPublish request)
    {
        if (request.Zips.Any(z => !existing.Platforms.Any(p => p.FileName == z.FileName && p.Sha256 == z.Sha256)))
        {
            return false;
        }

        if (request.Sha256Sums is null)
        {
            return existing.RegistrySigned && request.Signature is null;
        }

        return !existing.RegistrySigned && await releases.HoldsSha256SumsAsync(existing.Sha256SumsKey, request.Sha256Sums, CancellationToken.None);
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

    public async Task<Outcome> SetDeprecation(string version, ProviderDeprecation? deprecation, Actor actor)
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
        return readModel.UpsertProviderAsync(hostname, Namespace, Type, [.. newest.Select(v => v.Version)], newest.FirstOrDefault()?.Version ?? "", newest.FirstOrDefault()?.PublishedAt ?? default);
    }

    /// <summary>A key armor (1.7 KB or more) equal to <paramref name="armor"/> that a version already holds, else <paramref name="armor"/>.</summary>
    private string SharedArmor(string armor) => state.State.Versions.Values.Select(v => v.KeyArmor).FirstOrDefault(a => a == armor) ?? armor;

    private ProviderVersionRecord? Find(string version) => Precedence.Find(state.State.Versions, version);

    private ProviderVersionRecord? Find(SemanticVersion version) => Precedence.Find(state.State.Versions, version);

    private static Outcome<ProviderVersionView> Invalid(string error) => Outcome.Invalid(error);

    private static ProviderVersionView ViewOf(ProviderVersionRecord r) =>
        new(r.Version, r.Protocols, [.. r.Platforms], r.KeyId, r.RegistrySigned, r.PublishedAt, r.Deprecation);

    [GeneratedRegex(@"^\d{1,3}\.\d{1,3}$")]
    private static partial Regex ProtocolPattern();
}
