using Orleans.TestingHost;
using OrleansRegistry.IntegrationTests.Infrastructure;
using OrleansRegistry.Terraform;

namespace OrleansRegistry.IntegrationTests;

/// <summary>Module grains on a two-silo TestingHost cluster whose grain state is in the real PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ModuleGrainClusterTests(PostgresServer postgres) : IAsyncLifetime
{
    private GrainCluster _grains = null!;

    private InProcessTestCluster Cluster => _grains.Cluster;

    public async Task InitializeAsync() => _grains = await GrainCluster.StartAsync(postgres);

    public async Task DisposeAsync() => await _grains.DisposeAsync();

    private async Task<ModulePublish> UploadAsync(string version)
    {
        using var content = new MemoryStream(ModuleArchives.Greeting(version));
        var stored = await _grains.Store.WriteAsync($"modules/{Guid.NewGuid():N}.tar.gz", content, long.MaxValue, CancellationToken.None);
        return new ModulePublish(version, stored.Key, stored.Size, stored.Sha256, ArchiveFormat.TarGz, new Actor("test", "test"));
    }

    [Fact]
    public async Task Concurrent_publishes_of_one_version_give_one_success_and_one_conflict()
    {
        var key = $"acme/race{Guid.NewGuid():N}"[..20] + "/aws";
        var first = await UploadAsync("1.0.0");
        var second = await UploadAsync("1.0.0");

        // Two clients' requests land on different silos' gateways; the module grain has one activation.
        var results = await Task.WhenAll(
            Cluster.Client.GetGrain<IModuleGrain>(key).Publish(first),
            _grains.SiloGrains(1).GetGrain<IModuleGrain>(key).Publish(second));

        Assert.Single(results, r => r.Code == OutcomeCode.Created);
        Assert.Single(results, r => r.Code == OutcomeCode.Conflict);
    }

    [Fact]
    public async Task Published_versions_survive_deactivation_and_come_back_from_postgres()
    {
        var key = "acme/persist/aws";
        var module = Cluster.Client.GetGrain<IModuleGrain>(key);
        Assert.Equal(OutcomeCode.Created, (await module.Publish(await UploadAsync("1.0.0"))).Code);
        Assert.Equal(OutcomeCode.Created, (await module.Publish(await UploadAsync("v1.1.0-rc.1"))).Code);
        Assert.Equal(Outcome.Done, await module.SetDeprecation("1.0.0", new ModuleDeprecation("use 1.1", null, DateTimeOffset.UtcNow), new Actor("t", "t")));

        await Cluster.DeactivateAsync(module);

        var details = await Cluster.Client.GetGrain<IModuleGrain>(key).GetDetails(null);
        Assert.NotNull(details);
        Assert.Equal(["1.1.0-rc.1", "1.0.0"], details.Versions);
        Assert.Equal("1.0.0", details.Version.Version); // the latest release wins over a newer pre-release
        Assert.Equal("use 1.1", details.Version.Deprecation?.Reason);
        Assert.Contains("Says hello from version 1.0.0", details.Readme, StringComparison.Ordinal);
        var document = await Cluster.Client.GetGrain<IModuleGrain>(key).GetVersionsDocument(null);
        Assert.Contains("\"deprecation\":{\"reason\":\"use 1.1\"}", System.Text.Encoding.UTF8.GetString(document!.Body), StringComparison.Ordinal);
    }
}
