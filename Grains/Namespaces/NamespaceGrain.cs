using OrleansRegistry.Catalog;
using OrleansRegistry.Signing;

namespace OrleansRegistry.Namespaces;

public sealed class NamespaceState
{
    public DateTimeOffset? CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public SortedSet<string> Modules { get; set; } = new(StringComparer.Ordinal);
    public List<SigningKeyRecord> SigningKeys { get; set; } = [];

    /// <summary>The managed key's secret key ring, AES-256-GCM encrypted under the configured encryption key.</summary>
    public byte[]? ManagedSecretKey { get; set; }
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
    RegistryIndex index,
    SecretProtector secrets,
    TimeProvider clock) : Grain, INamespaceGrain
{
    private const string Uploaded = "uploaded";
    private const string Managed = "registry";

    public async Task<NamespaceView?> Create(Actor actor)
    {
        if (state.State.CreatedAt is not null)
        {
            return null;
        }

        state.State.CreatedAt = clock.GetUtcNow();
        state.State.CreatedBy = actor.KeyId;
        await state.WriteStateAsync();
        await index.UpsertNamespaceAsync(this.GetPrimaryKeyString(), state.State.CreatedAt.Value, actor.KeyId);
        await index.AuditAsync(actor, "namespace.create", this.GetPrimaryKeyString());
        return View();
    }

    public Task<NamespaceView?> Get() => Task.FromResult(state.State.CreatedAt is null ? null : View());

    public Task<bool> Exists() => Task.FromResult(state.State.CreatedAt is not null);

    public async Task AddModule(string module)
    {
        if (state.State.Modules.Add(module))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task RemoveModule(string module)
    {
        if (state.State.Modules.Remove(module))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task<SigningKeyResult> AddSigningKey(string asciiArmor, Actor actor)
    {
        if (state.State.CreatedAt is null)
        {
            return new(SigningKeyStatus.NamespaceMissing, null, $"namespace '{this.GetPrimaryKeyString()}' does not exist");
        }

        OpenPgpPublicKey key;
        try
        {
            key = OpenPgp.ParsePublicKey(asciiArmor);
        }
        catch (InvalidOpenPgpDataException e)
        {
            return new(SigningKeyStatus.Invalid, null, e.Message);
        }

        if (state.State.SigningKeys.Any(k => k.KeyId == key.KeyId))
        {
            return new(SigningKeyStatus.Exists, null, $"key {key.KeyId} is already a signing key of this namespace");
        }

        var record = new SigningKeyRecord { KeyId = key.KeyId, AsciiArmor = key.AsciiArmor, Source = Uploaded, AddedAt = clock.GetUtcNow() };
        state.State.SigningKeys.Add(record);
        await state.WriteStateAsync();
        await index.AuditAsync(actor, "namespace.add-signing-key", this.GetPrimaryKeyString(), $"{{\"key_id\":\"{key.KeyId}\"}}");
        return new(SigningKeyStatus.Done, ViewOf(record), null);
    }

    public Task<SigningKeyView[]> GetSigningKeys() => Task.FromResult(state.State.SigningKeys.Select(ViewOf).ToArray());

    public async Task<SigningKeyStatus> RemoveSigningKey(string keyId, Actor actor)
    {
        var record = state.State.SigningKeys.FirstOrDefault(k => string.Equals(k.KeyId, keyId, StringComparison.OrdinalIgnoreCase));
        if (record is null)
        {
            return SigningKeyStatus.NotFound;
        }

        state.State.SigningKeys.Remove(record);
        if (record.Source == Managed)
        {
            state.State.ManagedSecretKey = null;
        }

        await state.WriteStateAsync();
        await index.AuditAsync(actor, "namespace.remove-signing-key", this.GetPrimaryKeyString(), $"{{\"key_id\":\"{record.KeyId}\"}}");
        return SigningKeyStatus.Done;
    }

    public async Task<SigningKeyResult> CreateManagedKey(Actor actor)
    {
        if (state.State.CreatedAt is null)
        {
            return new(SigningKeyStatus.NamespaceMissing, null, $"namespace '{this.GetPrimaryKeyString()}' does not exist");
        }

        if (state.State.SigningKeys.FirstOrDefault(k => k.Source == Managed) is { } existing)
        {
            return new(SigningKeyStatus.Exists, ViewOf(existing), $"namespace '{this.GetPrimaryKeyString()}' already has a registry-managed key ({existing.KeyId})");
        }

        var pair = OpenPgp.Generate($"OrleansRegistry namespace {this.GetPrimaryKeyString()}");
        var record = new SigningKeyRecord { KeyId = pair.Public.KeyId, AsciiArmor = pair.Public.AsciiArmor, Source = Managed, AddedAt = clock.GetUtcNow() };
        state.State.SigningKeys.Add(record);
        state.State.ManagedSecretKey = secrets.Protect(pair.SecretKeyRing);
        await state.WriteStateAsync();
        await index.AuditAsync(actor, "namespace.create-signing-key", this.GetPrimaryKeyString(), $"{{\"key_id\":\"{record.KeyId}\"}}");
        return new(SigningKeyStatus.Done, ViewOf(record), null);
    }

    public async Task<SignatureResult> Sign(byte[] data, Actor actor)
    {
        if (state.State.ManagedSecretKey is null)
        {
            var created = await CreateManagedKey(actor);
            if (created.Status != SigningKeyStatus.Done)
            {
                return new(null, null, created.Error);
            }
        }

        var key = state.State.SigningKeys.First(k => k.Source == Managed);
        var signature = OpenPgp.SignDetached(secrets.Unprotect(state.State.ManagedSecretKey), data);
        return new(ViewOf(key), signature, null);
    }

    public Task<SignatureResult> Verify(byte[] data, byte[] signature)
    {
        var keys = state.State.SigningKeys.Select(k => new OpenPgpPublicKey(k.KeyId, k.AsciiArmor)).ToList();
        if (keys.Count == 0)
        {
            return Task.FromResult(new SignatureResult(null, null, $"namespace '{this.GetPrimaryKeyString()}' has no signing keys; upload the public key first (POST /api/v1/namespaces/{this.GetPrimaryKeyString()}/gpg-keys)"));
        }

        try
        {
            var (keyId, binary) = OpenPgp.Verify(data, signature, keys);
            return Task.FromResult(new SignatureResult(ViewOf(state.State.SigningKeys.First(k => k.KeyId == keyId)), binary, null));
        }
        catch (InvalidOpenPgpDataException e)
        {
            return Task.FromResult(new SignatureResult(null, null, e.Message));
        }
    }

    private static SigningKeyView ViewOf(SigningKeyRecord k) => new(k.KeyId, k.AsciiArmor, k.Source, k.AddedAt);

    private NamespaceView View() =>
        new(this.GetPrimaryKeyString(), state.State.CreatedAt!.Value, state.State.CreatedBy, [.. state.State.Modules]);
}
