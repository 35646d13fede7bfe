using System.Net;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests.StorageEndToEnd;

/// <summary>S3 (s3rver), which also comes back with its objects after an outage: nothing was added, and it serves again.</summary>
[Collection(PostgresCollection.Name)]
public sealed class S3DownloadTests(PostgresServer postgres) : ObjectStoreDownloadTests(postgres)
{
    private S3Server _s3 = null!;

    protected override async Task<IStorageServer> StartServerAsync() => _s3 = await S3Server.StartAsync();

    protected override async Task AfterTheOutageAsync(List<string> objects, string archive, byte[] bytes)
    {
        await _s3.RestartAsync();
        Assert.Equal(objects, await ObjectsAsync());
        using var again = await Registry.SendAsync(HttpMethod.Get, archive);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        if (bytes.Length > 0)
        {
            Assert.Equal(bytes, await again.Content.ReadAsByteArrayAsync());
        }
    }
}

/// <summary>Azure Blob Storage (azurite).</summary>
[Collection(PostgresCollection.Name)]
public sealed class AzureDownloadTests(PostgresServer postgres) : ObjectStoreDownloadTests(postgres)
{
    protected override async Task<IStorageServer> StartServerAsync() => await AzuriteServer.StartAsync();
}

/// <summary>Google Cloud Storage (the Firebase suite's emulator).</summary>
[Collection(PostgresCollection.Name)]
public sealed class GcsDownloadTests(PostgresServer postgres) : ObjectStoreDownloadTests(postgres)
{
    protected override async Task<IStorageServer> StartServerAsync() => await GcsEmulator.StartAsync();
}
