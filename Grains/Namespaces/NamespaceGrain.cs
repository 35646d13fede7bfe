using OrleansRegistry.Catalog;
using OrleansRegistry.Changes;
using OrleansRegistry.Signing;

namespace OrleansRegistry.Namespaces;

public sealed class NamespaceState : IHasFollowUps
{
    public DateTimeOffset? CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";

    /// <summary>The organization that owns the namespace, if one does.</summary>
    public string? Organization { get; set; }

    public SortedSet<string> Modules { get; set; } = new(StringComparer.Ordinal);
    public List<SigningKeyRecord> SigningKeys { get; set; } = [];

    /// <summary>The managed key's secret key ring, AES-256-GCM encrypted under the configured encryption key.</summary>
    public byte[]? ManagedSecretKey { get; set; }

    public FollowUps FollowUps { get; set; } = new();
}

public sealed class SigningKeyRecord
{
    public string KeyId { get; set; } = "";
    public string AsciiArmor { get; set; } = "";
    public string Source { get; set; } = "";
    public DateTimeOffset AddedAt { get; set; }
}

/// <summary>A namespace (Terraform namespace, Composer vendor): existence, owner and the packages in it.</summary>
[GrainType("namespace")]
public sealed class NamespaceGrain(
    [PersistentState("namespace", RegistryStorage.Name)] IPersistentState<NamespaceState> state,
    ReadModel readModel,
    StateChangeServices changes,
    SecretProtector secrets,
    TimeProvider clock) : Grain, INamespaceGrain
{
    private const string Uploaded = "uploaded";
    private const string Managed = "registry";
    private StateChanges<NamespaceState>? _changes;

    private string Name => this.GetPrimaryKeyString();

    private StateChanges<NamespaceState> Changes =>
        _changes ??= changes.For(this, state, static () => Task.CompletedTask, SyncReadModelAsync);

    public override Task OnActivateAsync(CancellationToken cancellationToken) => Changes.ResumeAsync();

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Changes.FlushAsync();

    public async Task<NamespaceView?> Create(Actor actor)
    {
        if (state.State.CreatedAt is not null)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        await Changes.CommitAsync(s =>
        {
            s.CreatedAt = now;
            s.CreatedBy = actor.KeyId;
        }, AuditRecord.Of(actor, "namespace.create", Name, now));
        return View();
    }

    public async Task<Outcome> SetOwner(string? organization, string? expected, Actor actor)
    {
        if (state.State.Organization != expected)
        {
            return state.State.Organization == organization
                ? Outcome.Done
                : Outcome.Conflict($"namespace '{Name}' belongs to organization '{state.State.Organization}'");
        }

        var now = clock.GetUtcNow();
        await Changes.CommitAsync(s =>
        {
            // Claiming a namespace that does not exist yet creates it.
            if (s.CreatedAt is null)
            {
                s.CreatedAt = now;
                s.CreatedBy = actor.KeyId;
            }

            s.Organization = organization;
        }, AuditRecord.Of(actor, "namespace.set-organization", Name, now, new { Organization = organization, Previous = expected }));
        return Outcome.Done;
    }

    public Task<NamespaceView?> Get() => Task.FromResult(state.State.CreatedAt is null ? null : View());

    public Task<bool> Exists() => Task.FromResult(state.State.CreatedAt is not null);

    public Task AddModule(string module) =>
        state.State.Modules.Contains(module) ? Task.CompletedTask : changes.WriteAsync(this, state, s => s.Modules.Add(module));

    public Task RemoveModule(string module) =>
        state.State.Modules.Contains(module) ? changes.WriteAsync(this, state, s => s.Modules.Remove(module)) : Task.CompletedTask;

    public async Task<Outcome<SigningKeyView>> AddSigningKey(string asciiArmor, Actor actor)
    {
        if (state.State.CreatedAt is null)
        {
            return Outcome.NotFound($"namespace '{Name}' does not exist");
        }

        OpenPgpPublicKey key;
        try
        {
            key = OpenPgp.ParsePublicKey(asciiArmor);
        }
        catch (InvalidOpenPgpDataException e)
        {
            return Outcome.Invalid(e.Message);
        }

        if (state.State.SigningKeys.Any(k => k.KeyId == key.KeyId))
        {
            return Outcome.Conflict($"key {key.KeyId} is already a signing key of this namespace");
        }

        var now = clock.GetUtcNow();
        var record = new SigningKeyRecord { KeyId = key.KeyId, AsciiArmor = key.AsciiArmor, Source = Uploaded, AddedAt = now };
        await Changes.CommitAsync(s => s.SigningKeys.Add(record), AuditRecord.Of(actor, "namespace.add-signing-key", Name, now, new { record.KeyId }));
        return Outcome.Of(OutcomeCode.Created, ViewOf(record));
    }

    public Task<SigningKeyView[]> GetSigningKeys() => Task.FromResult(state.State.SigningKeys.Select(ViewOf).ToArray());

    public async Task<Outcome> RemoveSigningKey(string keyId, Actor actor)
    {
        var record = state.State.SigningKeys.FirstOrDefault(k => string.Equals(k.KeyId, keyId, StringComparison.OrdinalIgnoreCase));
        if (record is null)
        {
            return Outcome.NotFound($"key '{keyId}' not found in namespace '{Name}'");
        }

        await Changes.CommitAsync(s =>
        {
            s.SigningKeys.RemoveAll(k => k.KeyId == record.KeyId);
            if (record.Source == Managed)
            {
                s.ManagedSecretKey = null;
            }
        }, AuditRecord.Of(actor, "namespace.remove-signing-key", Name, clock.GetUtcNow(), new { record.KeyId }));
        return Outcome.Done;
    }

    public async Task<Outcome<SigningKeyView>> CreateManagedKey(Actor actor)
    {
        if (state.State.CreatedAt is null)
        {
            return Outcome.NotFound($"namespace '{Name}' does not exist");
        }

        if (state.State.SigningKeys.FirstOrDefault(k => k.Source == Managed) is { } existing)
        {
            return Outcome.Conflict($"namespace '{Name}' already has a registry-managed key ({existing.KeyId})");
        }

        var pair = OpenPgp.Generate($"OrleansRegistry namespace {Name}");
        var now = clock.GetUtcNow();
        var record = new SigningKeyRecord { KeyId = pair.Public.KeyId, AsciiArmor = pair.Public.AsciiArmor, Source = Managed, AddedAt = now };
        await Changes.CommitAsync(s =>
        {
            s.SigningKeys.Add(record);
            s.ManagedSecretKey = secrets.Protect(pair.SecretKeyRing);
        }, AuditRecord.Of(actor, "namespace.create-signing-key", Name, now, new { record.KeyId }));
        return Outcome.Of(OutcomeCode.Created, ViewOf(record));
    }

    public async Task<SignatureResult> Sign(byte[] data, Actor actor)
    {
        if (state.State.ManagedSecretKey is null)
        {
            var created = await CreateManagedKey(actor);
            if (!created.Succeeded)
            {
                return new(null, null, created.Reason);
            }
        }

        var key = state.State.SigningKeys.First(k => k.Source == Managed);
        var signature = OpenPgp.SignDetached(secrets.Unprotect(state.State.ManagedSecretKey), data);
        return new(ViewOf(key), signature, null);
    }

    private Task SyncReadModelAsync() =>
        state.State.CreatedAt is { } createdAt ? readModel.UpsertNamespaceAsync(Name, createdAt, state.State.CreatedBy) : Task.CompletedTask;

    private static SigningKeyView ViewOf(SigningKeyRecord k) => new(k.KeyId, k.AsciiArmor, k.Source, k.AddedAt);

    private NamespaceView View() =>
        new(Name, state.State.CreatedAt!.Value, state.State.CreatedBy, [.. state.State.Modules], state.State.Organization);
}
