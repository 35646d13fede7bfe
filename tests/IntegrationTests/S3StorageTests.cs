using System.Net;
using System.Security.Cryptography;
using OrleansRegistry.IntegrationTests.Infrastructure;
using OrleansRegistry.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansRegistry.IntegrationTests;

/// <summary>The S3 artifact store with the real AWS SDK against a real S3 server (s3rver), on its own and under the registry.</summary>
[Collection(PostgresCollection.Name)]
public sealed class S3StorageTests(PostgresServer postgres) : IAsyncLifetime
{
    private S3Server _s3 = null!;

    public async Task InitializeAsync() => _s3 = await S3Server.StartAsync();

    public async Task DisposeAsync() => await _s3.DisposeAsync();

    private static IArtifactStore Store(IDictionary<string, string?> settings) =>
        new ServiceCollection().AddArtifactStore(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), Path.GetTempPath())
            .BuildServiceProvider().GetRequiredService<IArtifactStore>();

    [Theory]
    [InlineData(1000)]
    [InlineData(S3ArtifactStoreSizes.MultipartSize)]
    public async Task An_artifact_is_stored_hashed_read_back_and_deleted(int size)
    {
        var store = Store(_s3.RegistrySettings(prefix: "tests"));
        var content = RandomNumberGenerator.GetBytes(size);
        var stored = await store.WriteAsync("composer/x/lib.zip", new MemoryStream(content), long.MaxValue, CancellationToken.None);
        Assert.Equal((long)size, stored.Size);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), stored.Sha256);
#pragma warning disable CA5350 // Composer names dists by their SHA-1: the store must compute it.
        Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(content)), stored.Sha1);
#pragma warning restore CA5350

        Assert.Equal((long)size, (await store.GetInfoAsync("composer/x/lib.zip", CancellationToken.None))!.Size);
        await using (var read = await store.OpenReadAsync("composer/x/lib.zip", CancellationToken.None))
        {
            using var copy = new MemoryStream();
            await read!.CopyToAsync(copy);
            Assert.Equal(content, copy.ToArray());
        }

        // Under the prefix, and nowhere else.
        Assert.Null(await Store(_s3.RegistrySettings()).GetInfoAsync("composer/x/lib.zip", CancellationToken.None));

        await store.DeleteAsync("composer/x/lib.zip", CancellationToken.None);
        Assert.Null(await store.GetInfoAsync("composer/x/lib.zip", CancellationToken.None));
        Assert.Null(await store.OpenReadAsync("composer/x/lib.zip", CancellationToken.None));
    }

    [Fact]
    public async Task An_upload_over_its_limit_leaves_nothing_behind()
    {
        var store = Store(_s3.RegistrySettings());
        var content = new MemoryStream(new byte[S3ArtifactStoreSizes.MultipartSize]);
        await Assert.ThrowsAsync<ArtifactTooLargeException>(() => store.WriteAsync("big.zip", content, S3ArtifactStoreSizes.MultipartSize - 1, CancellationToken.None));
        Assert.Null(await store.GetInfoAsync("big.zip", CancellationToken.None));
    }

    [Fact]
    public async Task A_missing_bucket_is_the_store_failing_and_names_the_bucket()
    {
        var settings = _s3.RegistrySettings();
        settings["Registry:Storage:S3:Bucket"] = "no-such-bucket";
        var failure = await Assert.ThrowsAsync<ArtifactStoreUnavailableException>(
            () => Store(settings).WriteAsync("a.zip", new MemoryStream([1, 2, 3]), long.MaxValue, CancellationToken.None));
        Assert.Contains("no-such-bucket", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_bucket_is_created_only_when_asked_and_then_lists_what_it_holds()
    {
        var settings = _s3.RegistrySettings(prefix: "listed");
        settings["Registry:Storage:S3:Bucket"] = "created-on-demand";
        var store = Store(settings);
        await store.CreateIfMissingAsync(CancellationToken.None);
        await store.CreateIfMissingAsync(CancellationToken.None); // already there: nothing to do
        foreach (var key in new[] { "modules/a.tar.gz", "modules/b.tar.gz", "composer/c.zip" })
        {
            await store.WriteAsync(key, new MemoryStream([1, 2, 3]), long.MaxValue, CancellationToken.None);
        }

        var modules = await store.ListAsync("modules/", CancellationToken.None).Select(a => (a.Key, a.Size)).Order().ToListAsync();
        Assert.Equal([("modules/a.tar.gz", 3L), ("modules/b.tar.gz", 3L)], modules);
        Assert.Equal(3, await store.ListAsync("", CancellationToken.None).CountAsync());
    }

    [Theory]
    [InlineData("REGISTRY_STORAGE_S3_BUCKET", "no-such-bucket", "the bucket does not exist (REGISTRY_STORAGE_S3_BUCKET")]
    [InlineData("REGISTRY_STORAGE_S3_ACCESS_KEY_ID", "WRONG", "the credentials were refused")]
    public async Task A_silo_whose_bucket_cannot_be_used_exits_saying_why(string name, string value, string message)
    {
        var environment = SiloEnvironment(await postgres.CreateDatabaseAsync(), name, value);
        await using var silo = RegistryProcess.Start("Silo.dll", environment);
        var exitCode = await silo.ExitCodeWithinAsync(TimeSpan.FromSeconds(90));
        Assert.True(exitCode is not null, $"the silo kept running with {name}={value}:\n{silo.Output}");
        Assert.Equal(1, exitCode);
        Assert.Contains("error: the artifact store failed its start-up check", silo.Output, StringComparison.Ordinal);
        Assert.Contains(message, silo.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, 0, "artifact store (s3): a probe was written, read back and deleted")]
    [InlineData("REGISTRY_STORAGE_S3_BUCKET", "no-such-bucket", 1, "the bucket does not exist")]
    public async Task Storage_check_runs_the_probe_on_demand(string? name, string? value, int exitCode, string message)
    {
        await using var check = RegistryProcess.Start("Silo.dll", SiloEnvironment(await postgres.CreateDatabaseAsync(), name, value), "storage", "check");
        Assert.Equal(exitCode, await check.ExitCodeWithinAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(message, check.Output, StringComparison.Ordinal);
    }

    private Dictionary<string, string> SiloEnvironment(string connectionString, string? name, string? value) =>
        StoreUnderRegistry.SiloEnvironment(_s3, connectionString, name, value);

    [Fact]
    public Task Composer_installs_a_package_whose_dist_is_in_the_bucket() => StoreUnderRegistry.ComposerInstallsAsync(postgres, _s3, "registry");

    [Fact]
    public Task Terraform_installs_a_module_whose_archive_is_in_the_bucket() => StoreUnderRegistry.TerraformInstallsAsync(postgres, _s3, null);
}

/// <summary>Sizes that exercise the store's two upload paths.</summary>
internal static class S3ArtifactStoreSizes
{
    /// <summary>More than one part: a multipart upload of two parts.</summary>
    public const int MultipartSize = OrleansRegistry.Storage.S3.S3ArtifactStore.PartSize + 4096;
}
