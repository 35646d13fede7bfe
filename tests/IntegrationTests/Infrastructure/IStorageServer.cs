namespace OrleansRegistry.IntegrationTests.Infrastructure;

/// <summary>An object store server the fixture started (s3rver, azurite, the Firebase storage emulator), as the registry is pointed at it.</summary>
public interface IStorageServer : IAsyncDisposable
{
    /// <summary>The registry's <c>REGISTRY_STORAGE_KIND</c> for this server.</summary>
    string Kind { get; }

    /// <summary>The registry's settings for this server, as REGISTRY_STORAGE_* would give them (configuration keys).</summary>
    Dictionary<string, string?> RegistrySettings(string? prefix = null);

    /// <summary>The same as environment variables, for registry processes.</summary>
    Dictionary<string, string> RegistryEnvironment();

    /// <summary>Kills the server, as an outage of the store would look to the registry (connections refused).</summary>
    Task StopAsync();
}
