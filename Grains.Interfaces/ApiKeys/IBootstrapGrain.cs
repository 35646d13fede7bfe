namespace OrleansRegistry.ApiKeys;

[GenerateSerializer, Immutable, Alias("bootstrap-result")]
public sealed record BootstrapResult([property: Id(0)] bool Created, [property: Id(1)] string KeyId);

/// <summary>
/// Creates the first admin key exactly once per deployment, however many silos start at the same time:
/// the single activation of this grain serializes them.
/// </summary>
[Alias("bootstrap")]
public interface IBootstrapGrain : IGrainWithStringKey
{
    /// <summary>Creates the admin key <paramref name="keyId"/> with <paramref name="secretHash"/> unless one was already bootstrapped.</summary>
    [Alias("ensure-admin-key")]
    Task<BootstrapResult> EnsureAdminKey(string keyId, byte[] secretHash);
}
