namespace OrleansRegistry.Sessions;

/// <summary>
/// The frontends' shared ASP.NET Core data-protection key ring (it signs and encrypts session cookies and the sign-in
/// flow's state), kept in grain storage (PostgreSQL), so a cookie one frontend issues every other frontend reads.
/// A single activation (key 0); elements are XML documents as the key manager writes them.
/// </summary>
[Alias("data-protection-keys")]
public interface IDataProtectionKeysGrain : IGrainWithIntegerKey
{
    [Alias("all"), Orleans.Concurrency.ReadOnly]
    Task<string[]> GetAll();

    /// <summary>Adds an element under its friendly name (the key id); storing the same name again replaces nothing.</summary>
    [Alias("store")]
    Task Store(string friendlyName, string xml);
}
