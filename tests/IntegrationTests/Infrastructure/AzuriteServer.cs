using System.Diagnostics;
using System.Globalization;
using Azure.Storage;
using Azure.Storage.Blobs;

namespace OrleansRegistry.IntegrationTests.Infrastructure;

/// <summary>
/// A real Azure Blob service for the tests: azurite's blob server from npm (scripts/test.sh installs it and exports
/// REGISTRY_TEST_AZURITE, the path of its dist/src/blob/main.js), on a free loopback port, with the container
/// <see cref="Container"/> created at start.
/// </summary>
public sealed class AzuriteServer : IStorageServer
{
    public const string Container = "registry";

    /// <summary>Azurite's development account and its well-known key.</summary>
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;
    private readonly string _directory;

    private AzuriteServer(Process process, string directory, int port) => (_process, _directory, Port) = (process, directory, port);

    public int Port { get; }

    /// <summary>Azurite names the account in the path, as Azure does in the host name.</summary>
    public string Endpoint => $"http://127.0.0.1:{Port}/{AccountName}";

    /// <summary>The same account as a connection string.</summary>
    public string ConnectionString => $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint={Endpoint};";

    public string Kind => "azure";

    /// <summary>A client of the service with the account key, to look at the service behind the registry's back.</summary>
    public BlobServiceClient Client => new(new Uri(Endpoint), new StorageSharedKeyCredential(AccountName, AccountKey));

    public Dictionary<string, string?> RegistrySettings(string? prefix = null) => new()
    {
        ["Registry:Storage:Kind"] = "azure",
        ["Registry:Storage:Prefix"] = prefix,
        ["Registry:Storage:Azure:Container"] = Container,
        ["Registry:Storage:Azure:Endpoint"] = Endpoint,
        ["Registry:Storage:Azure:AccountName"] = AccountName,
        ["Registry:Storage:Azure:AccountKey"] = AccountKey,
    };

    public Dictionary<string, string> RegistryEnvironment() => new()
    {
        ["REGISTRY_STORAGE_KIND"] = "azure",
        ["REGISTRY_STORAGE_AZURE_CONTAINER"] = Container,
        ["REGISTRY_STORAGE_AZURE_ENDPOINT"] = Endpoint,
        ["REGISTRY_STORAGE_AZURE_ACCOUNT_NAME"] = AccountName,
        ["REGISTRY_STORAGE_AZURE_ACCOUNT_KEY"] = AccountKey,
    };

    public static async Task<AzuriteServer> StartAsync()
    {
        var script = Environment.GetEnvironmentVariable("REGISTRY_TEST_AZURITE") is { Length: > 0 } path && File.Exists(path)
            ? path
            : throw new InvalidOperationException("REGISTRY_TEST_AZURITE must name azurite's dist/src/blob/main.js (scripts/test.sh installs azurite from npm and sets it)");
        var directory = Path.Combine(Path.GetTempPath(), $"azurite-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var port = PostgresServer.FreePort();
        // --skipApiVersionCheck: the SDK may speak a newer service version than this azurite knows; --loose: ignore headers azurite does not implement.
        var process = Process.Start(new ProcessStartInfo("node", [script, "--blobHost", "127.0.0.1", "--blobPort", port.ToString(CultureInfo.InvariantCulture), "--location", directory, "--silent", "--skipApiVersionCheck", "--loose"]))
            ?? throw new InvalidOperationException("node is not installed");
        var server = new AzuriteServer(process, directory, port);
        await ServerProcesses.WaitUntilListeningAsync(process, port);

        await server.Client.GetBlobContainerClient(Container).CreateAsync();
        return server;
    }

    public Task StopAsync() => ServerProcesses.StopAsync(_process);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
