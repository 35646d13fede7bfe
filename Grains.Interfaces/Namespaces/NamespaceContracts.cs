namespace OrleansRegistry.Namespaces;

[GenerateSerializer, Immutable, Alias("namespace-view")]
public sealed record NamespaceView(
    [property: Id(0)] string Name,
    [property: Id(1)] DateTimeOffset CreatedAt,
    [property: Id(2)] string CreatedBy,
    [property: Id(3)] string[] Modules,
    [property: Id(4)] string? Organization = null);

[Alias("namespace")]
public interface INamespaceGrain : IGrainWithStringKey
{
    /// <summary>Creates the namespace; returns null when it already exists.</summary>
    [Alias("create")]
    Task<NamespaceView?> Create(Actor actor);

    [Alias("get")]
    Task<NamespaceView?> Get();

    /// <summary>
    /// Gives the namespace to <paramref name="organization"/> (null: to none) if <paramref name="expected"/> owns it
    /// now; creates it when it does not exist. A conflict when another organization owns it.
    /// </summary>
    [Alias("set-owner")]
    Task<Outcome> SetOwner(string? organization, string? expected, Actor actor);

    [Alias("exists"), Orleans.Concurrency.ReadOnly]
    Task<bool> Exists();

    /// <summary>Records that a module (<c>name/system</c>) lives in this namespace.</summary>
    [Alias("add-module")]
    Task AddModule(string module);

    [Alias("remove-module")]
    Task RemoveModule(string module);

    /// <summary>Adds an uploaded public key (ASCII armor).</summary>
    [Alias("add-signing-key")]
    Task<Outcome<SigningKeyView>> AddSigningKey(string asciiArmor, Actor actor);

    [Alias("signing-keys"), Orleans.Concurrency.ReadOnly]
    Task<SigningKeyView[]> GetSigningKeys();

    [Alias("remove-signing-key")]
    Task<Outcome> RemoveSigningKey(string keyId, Actor actor);

    /// <summary>Generates the namespace's registry-managed key (its private part is stored encrypted and never leaves).</summary>
    [Alias("create-managed-key")]
    Task<Outcome<SigningKeyView>> CreateManagedKey(Actor actor);

    /// <summary>Signs with the managed key, creating it first if the namespace has none.</summary>
    [Alias("sign")]
    Task<SignatureResult> Sign(byte[] data, Actor actor);
}
