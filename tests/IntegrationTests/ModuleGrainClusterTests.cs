using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.TestingHost;
using OrleansRegistry.Archives;
using OrleansRegistry.Catalog;
using OrleansRegistry.Changes;
using OrleansRegistry.IntegrationTests.Infrastructure;
using OrleansRegistry.Storage;
using OrleansRegistry.Storage.LocalFileSystem;
using OrleansRegistry.Terraform;

namespace OrleansRegistry.IntegrationTests;

/// <summary>Module grains on a two-silo TestingHost cluster whose grain state is in the real PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ModuleGrainClusterTests(PostgresServer postgres) : IAsyncLifetime
{
    private readonly string _artifacts = Path.Combine(Path.GetTempPath(), $"registry-cluster-{Guid.NewGuid():N}");
    private InProcessTestCluster _cluster = null!;
    private LocalFileSystemArtifactStore _store = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        _store = new LocalFileSystemArtifactStore(_artifacts);
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddAdoNetGrainStorage(RegistryStorage.Name, o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
            silo.UseSystemTextJsonGrainStorageSerializer();
            silo.UseInMemoryReminderService();
            silo.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
            silo.Services.AddSingleton<RegistryIndex>();
            silo.Services.AddSingleton(new OrleansRegistry.Signing.SecretProtector(new byte[32]));
            silo.Services.AddSingleton(TimeProvider.System);
            silo.Services.AddTransient<OrleansRegistry.Caching.DocumentHolders>();
            silo.Services.AddStateChanges();
            silo.Services.AddSingleton<IArtifactStore>(_store);
            silo.Services.Configure<ArchiveLimits>(_ => { });
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        Directory.Delete(_artifacts, recursive: true);
    }

    private async Task<ModulePublish> UploadAsync(string version)
    {
        using var content = new MemoryStream(ModuleArchives.Greeting(version));
        var stored = await _store.WriteAsync($"modules/{Guid.NewGuid():N}.tar.gz", content, long.MaxValue, CancellationToken.None);
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
            _cluster.Client.GetGrain<IModuleGrain>(key).Publish(first),
            _cluster.Silos[1].ServiceProvider.GetRequiredService<IGrainFactory>().GetGrain<IModuleGrain>(key).Publish(second));

        Assert.Single(results, r => r.Code == OutcomeCode.Created);
        Assert.Single(results, r => r.Code == OutcomeCode.Conflict);
    }

    [Fact]
    public async Task Published_versions_survive_deactivation_and_come_back_from_postgres()
    {
        var key = "acme/persist/aws";
        var module = _cluster.Client.GetGrain<IModuleGrain>(key);
        Assert.Equal(OutcomeCode.Created, (await module.Publish(await UploadAsync("1.0.0"))).Code);
        Assert.Equal(OutcomeCode.Created, (await module.Publish(await UploadAsync("v1.1.0-rc.1"))).Code);
        Assert.Equal(Outcome.Done, await module.SetDeprecation("1.0.0", new ModuleDeprecation("use 1.1", null, DateTimeOffset.UtcNow), new Actor("t", "t")));

        await _cluster.DeactivateAsync(module);

        var details = await _cluster.Client.GetGrain<IModuleGrain>(key).GetDetails(null);
        Assert.NotNull(details);
        Assert.Equal(["1.1.0-rc.1", "1.0.0"], details.Versions);
        Assert.Equal("1.0.0", details.Version.Version); // the latest release wins over a newer pre-release
        Assert.Equal("use 1.1", details.Version.Deprecation?.Reason);
        Assert.Contains("Says hello from version 1.0.0", details.Readme, StringComparison.Ordinal);
        var document = await _cluster.Client.GetGrain<IModuleGrain>(key).GetVersionsDocument(null);
        Assert.Contains("\"deprecation\":{\"reason\":\"use 1.1\"}", System.Text.Encoding.UTF8.GetString(document!.Body), StringComparison.Ordinal);
    }
}
