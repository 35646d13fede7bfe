using System.Net;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests;

/// <summary>Publish, stop the silo, start a new one on the same database: nothing acknowledged is lost.</summary>
[Collection(PostgresCollection.Name)]
public sealed class RestartPersistenceTests(PostgresServer postgres)
{
    [Fact]
    public async Task Modules_namespaces_and_keys_survive_a_restart()
    {
        var database = await postgres.CreateDatabaseAsync();
        string dataDir, adminKey, readerKey;
        var archiveBytes = ModuleArchives.Greeting("1.2.3");
        await using (var first = await RegistryInstance.StartAsync(database))
        {
            dataDir = first.DataDir;
            adminKey = first.AdminKey;
            await first.CreateNamespaceAsync("acme");
            readerKey = await first.CreateKeyAsync(["modules:read"], ["acme"]);
            using var published = await first.PublishModuleAsync("acme", "vpc", "aws", "1.2.3", archiveBytes);
            Assert.Equal(HttpStatusCode.Created, published.StatusCode);

            // Counted in memory and written in batches: a stop writes the count still pending.
            using var counted = await first.SendAsync(HttpMethod.Get, "/v1/modules/acme/vpc/aws/1.2.3/download", readerKey);
            Assert.Equal(HttpStatusCode.NoContent, counted.StatusCode);
            using var provider = await first.SendAsync(HttpMethod.Post, "/api/v1/providers",
                content: ProviderRelease.Create("hello", "1.0.0", ["linux_amd64"], signer: null).Form("acme", "hello", "1.0.0"));
            Assert.Equal(HttpStatusCode.Created, provider.StatusCode);
        }

        await using var second = await RegistryInstance.StartAsync(database, dataDir, adminKey);
        var versions = await second.JsonAsync(HttpMethod.Get, "/v1/modules/acme/vpc/aws/versions", key: readerKey);
        Assert.Equal("1.2.3", versions.GetProperty("modules")[0].GetProperty("versions")[0].GetProperty("version").GetString());
        var details = await second.JsonAsync(HttpMethod.Get, "/v1/modules/acme/vpc/aws", key: readerKey);
        Assert.Contains("Says hello from version 1.2.3", details.GetProperty("root").GetProperty("readme").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, details.GetProperty("downloads").GetInt64());
        var ns = await second.JsonAsync(HttpMethod.Get, "/api/v1/namespaces/acme");
        Assert.Equal("vpc/aws", ns.GetProperty("modules")[0].GetString());

        // The download link works after the restart too (the archive is on disk, the signing key is configuration).
        using var download = await second.SendAsync(HttpMethod.Get, "/v1/modules/acme/vpc/aws/1.2.3/download", readerKey);
        Assert.Equal(HttpStatusCode.NoContent, download.StatusCode);
        var location = download.Headers.GetValues("X-Terraform-Get").Single();
        using var archive = await second.Client.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, archive.StatusCode);
        Assert.Equal(archiveBytes, await archive.Content.ReadAsByteArrayAsync());

        // Providers and the namespace's encrypted managed key come back too: the registry can still sign.
        var providerDownload = await second.JsonAsync(HttpMethod.Get, "/v1/providers/acme/hello/1.0.0/download/linux/amd64");
        Assert.Matches("^[0-9A-F]{16}$", providerDownload.GetProperty("signing_keys").GetProperty("gpg_public_keys")[0].GetProperty("key_id").GetString());
        using var addPlatform = await second.SendAsync(HttpMethod.Post, "/api/v1/providers",
            content: ProviderRelease.Create("hello", "1.0.0", ["darwin_arm64"], signer: null).Form("acme", "hello", "1.0.0"));
        Assert.True(addPlatform.StatusCode == HttpStatusCode.Created, await addPlatform.Content.ReadAsStringAsync());
    }
}
