using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests.StorageEndToEnd;

/// <summary><c>Silo storage copy</c> moves a populated registry from its local disk into S3; after the switch every client installs.</summary>
[Collection(PostgresCollection.Name)]
public sealed class StorageCopyTests(PostgresServer postgres) : IAsyncLifetime
{
    private S3Server _s3 = null!;

    public async Task InitializeAsync() => _s3 = await S3Server.StartAsync();

    public async Task DisposeAsync() => await _s3.DisposeAsync();

    [Fact]
    public async Task A_registry_moved_from_the_local_disk_to_S3_installs_everything()
    {
        var database = await postgres.CreateDatabaseAsync();
        var dataDir = Directory.CreateTempSubdirectory("storage-copy-").FullName;
        var tls = TestCertificates.Create(Path.Combine(dataDir, "tls"));
        string adminKey;
        await using (var local = await StoredArtifactsScenario.StartNodeAsync(database, dataDir, tls, null, "proxy"))
        {
            adminKey = local.AdminKey;
            await StoredArtifactsScenario.PublishAsync(local, tls);
        }

        var artifacts = Path.Combine(dataDir, "artifacts");
        var stored = Directory.EnumerateFiles(artifacts, "*", SearchOption.AllDirectories).Count();
        File.WriteAllText(Path.Combine(artifacts, "orphan.zip"), "not referenced by anything");

        var first = await CopyAsync(database, dataDir);
        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Contains($"{stored} artifacts are referenced by the registry", first.Output, StringComparison.Ordinal);
        Assert.Contains($"copied {stored}, already there 0", first.Output, StringComparison.Ordinal);
        Assert.Contains("REGISTRY_STORAGE_KIND=s3", first.Output, StringComparison.Ordinal);
        Assert.Contains($"REGISTRY_STORAGE_S3_BUCKET={S3Server.Bucket}", first.Output, StringComparison.Ordinal);
        Assert.Contains("REGISTRY_STORAGE_S3_SECRET_ACCESS_KEY=<the value of REGISTRY_TARGET_STORAGE_S3_SECRET_ACCESS_KEY>", first.Output, StringComparison.Ordinal);
        Assert.DoesNotContain($"SECRET_ACCESS_KEY={S3Server.SecretAccessKey}", first.Output, StringComparison.Ordinal);

        // Again: nothing left to copy, and what is there is verified.
        var again = await CopyAsync(database, dataDir);
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Contains($"copied 0, already there {stored}", again.Output, StringComparison.Ordinal);

        // Switched: the local disk is gone, and every client installs from the bucket.
        Directory.Delete(artifacts, recursive: true);
        await using var switched = await StoredArtifactsScenario.StartNodeAsync(database, dataDir, tls, _s3, "proxy", adminKey);
        await StoredArtifactsScenario.InstallAsync(switched, "proxy");
        Assert.False(Directory.Exists(artifacts) && Directory.EnumerateFiles(artifacts, "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task A_copy_without_a_target_kind_says_how_to_run_it()
    {
        await using var copy = RegistryProcess.Start("Silo.dll", RegistryProcess.SiloEnvironment(await postgres.CreateDatabaseAsync()), "storage", "copy");
        Assert.Equal(2, await copy.ExitCodeWithinAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("usage: Silo storage copy --to local|s3|azure|gcs", copy.Output, StringComparison.Ordinal);
    }

    private async Task<(int? ExitCode, string Output)> CopyAsync(string database, string dataDir)
    {
        var environment = RegistryProcess.SiloEnvironment(database);
        environment["REGISTRY_DATA_DIR"] = dataDir;
        foreach (var (name, value) in _s3.RegistryEnvironment())
        {
            environment[name.Replace("REGISTRY_STORAGE_", "REGISTRY_TARGET_STORAGE_", StringComparison.Ordinal)] = value;
        }

        await using var copy = RegistryProcess.Start("Silo.dll", environment, "storage", "copy", "--to", "s3");
        var exitCode = await copy.ExitCodeWithinAsync(TimeSpan.FromMinutes(3));
        return (exitCode, copy.Output);
    }
}
