using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests.StorageEndToEnd;

/// <summary>The local disk: proxy only (the registry is the only server of its files).</summary>
[Collection(PostgresCollection.Name)]
public sealed class LocalDiskEndToEndTests(PostgresServer postgres)
{
    [Fact]
    public Task Every_client_installs_what_the_registry_keeps_on_its_disk() => StoredArtifactsScenario.RunAsync(postgres, null, "proxy");
}

/// <summary>S3 (s3rver), through the frontends and straight from pre-signed URLs.</summary>
[Collection(PostgresCollection.Name)]
public sealed class S3EndToEndTests(PostgresServer postgres) : IAsyncLifetime
{
    private S3Server _s3 = null!;

    public async Task InitializeAsync() => _s3 = await S3Server.StartAsync();

    public async Task DisposeAsync() => await _s3.DisposeAsync();

    [Theory]
    [InlineData("proxy")]
    [InlineData("redirect")]
    public Task Every_client_installs_what_the_registry_keeps_in_the_bucket(string downloads) => StoredArtifactsScenario.RunAsync(postgres, _s3, downloads);
}

/// <summary>Azure Blob Storage (azurite), through the frontends and straight from SAS links.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AzureEndToEndTests(PostgresServer postgres) : IAsyncLifetime
{
    private AzuriteServer _azurite = null!;

    public async Task InitializeAsync() => _azurite = await AzuriteServer.StartAsync();

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    [Theory]
    [InlineData("proxy")]
    [InlineData("redirect")]
    public Task Every_client_installs_what_the_registry_keeps_in_the_container(string downloads) => StoredArtifactsScenario.RunAsync(postgres, _azurite, downloads);
}

/// <summary>Google Cloud Storage (the Firebase suite's emulator), through the frontends and straight from V4 signed URLs.</summary>
[Collection(PostgresCollection.Name)]
public sealed class GcsEndToEndTests(PostgresServer postgres) : IAsyncLifetime
{
    private GcsEmulator _gcs = null!;

    public async Task InitializeAsync() => _gcs = await GcsEmulator.StartAsync();

    public async Task DisposeAsync() => await _gcs.DisposeAsync();

    [Theory]
    [InlineData("proxy")]
    [InlineData("redirect")]
    public Task Every_client_installs_what_the_registry_keeps_in_the_bucket(string downloads) => StoredArtifactsScenario.RunAsync(postgres, _gcs, downloads);
}
