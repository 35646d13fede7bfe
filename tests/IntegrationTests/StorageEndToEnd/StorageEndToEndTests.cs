using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests.StorageEndToEnd;

/// <summary>The local disk: proxy only (the registry is the only server of its files).</summary>
[Collection(PostgresCollection.Name)]
public sealed class LocalDiskEndToEndTests(PostgresServer postgres)
{
    [Fact]
    public Task Every_client_installs_what_the_registry_keeps_on_its_disk() => StoredArtifactsScenario.RunAsync(postgres, null, "proxy");
}

/// <summary>An object store, through the frontends and straight from its pre-signed URLs. One class per store.</summary>
public abstract class ObjectStoreEndToEndTests(PostgresServer postgres) : IAsyncLifetime
{
    private IStorageServer _server = null!;

    protected abstract Task<IStorageServer> StartServerAsync();

    public async Task InitializeAsync() => _server = await StartServerAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("proxy")]
    [InlineData("redirect")]
    public Task Every_client_installs_what_the_registry_keeps_in_the_store(string downloads) => StoredArtifactsScenario.RunAsync(postgres, _server, downloads);
}

/// <summary>S3 (s3rver), with presigned GETs.</summary>
[Collection(PostgresCollection.Name)]
public sealed class S3EndToEndTests(PostgresServer postgres) : ObjectStoreEndToEndTests(postgres)
{
    protected override async Task<IStorageServer> StartServerAsync() => await S3Server.StartAsync();
}

/// <summary>Azure Blob Storage (azurite), with SAS links.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AzureEndToEndTests(PostgresServer postgres) : ObjectStoreEndToEndTests(postgres)
{
    protected override async Task<IStorageServer> StartServerAsync() => await AzuriteServer.StartAsync();
}

/// <summary>Google Cloud Storage (the Firebase suite's emulator), with V4 signed URLs.</summary>
[Collection(PostgresCollection.Name)]
public sealed class GcsEndToEndTests(PostgresServer postgres) : ObjectStoreEndToEndTests(postgres)
{
    protected override async Task<IStorageServer> StartServerAsync() => await GcsEmulator.StartAsync();
}
