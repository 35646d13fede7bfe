using System.Text.Json;
using OrleansRegistry.Storage;

namespace OrleansRegistry.Terraform.Interface;

/// <summary>
/// A version's interface, kept as JSON in the artifact store next to its archive and README (not in the grain
/// state: a large module's interface would make every state write of the module larger).
/// </summary>
public static class ModuleInterfaceDocument
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string KeyFor(string storageKey) => $"{storageKey}.interface.json";

    public static async Task WriteAsync(IArtifactStore store, string key, ModuleInterface value, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, Options);
        using var content = new MemoryStream(bytes, writable: false);
        await store.WriteAsync(key, content, bytes.Length, cancellationToken);
    }

    /// <summary>Null when the document is missing or unreadable: the details then show no interface rather than fail.</summary>
    public static async Task<ModuleInterface?> ReadAsync(IArtifactStore store, string key, CancellationToken cancellationToken)
    {
        await using var stream = await store.OpenReadAsync(key, cancellationToken);
        if (stream is null)
        {
            return null;
        }

        try
        {
            return await JsonSerializer.DeserializeAsync<ModuleInterface>(stream, Options, cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
