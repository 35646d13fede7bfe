using System.Text;
using OrleansRegistry.Signing;

namespace OrleansRegistry.Sessions;

public sealed class DataProtectionKeysState
{
    /// <summary>Each element by friendly name, AES-256-GCM encrypted under the registry's encryption key (they hold key material).</summary>
    public SortedDictionary<string, byte[]> Elements { get; set; } = new(StringComparer.Ordinal);
}

[GrainType("data-protection-keys")]
public sealed class DataProtectionKeysGrain(
    [PersistentState("data-protection-keys", RegistryStorage.Name)] IPersistentState<DataProtectionKeysState> state,
    SecretProtector secrets) : Grain, IDataProtectionKeysGrain
{
    public Task<string[]> GetAll() =>
        Task.FromResult(state.State.Elements.Values.Select(e => Encoding.UTF8.GetString(secrets.Unprotect(e))).ToArray());

    public async Task Store(string friendlyName, string xml)
    {
        if (state.State.Elements.ContainsKey(friendlyName))
        {
            return;
        }

        state.State.Elements[friendlyName] = secrets.Protect(Encoding.UTF8.GetBytes(xml));
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Elements.Remove(friendlyName);
            throw;
        }
    }
}
