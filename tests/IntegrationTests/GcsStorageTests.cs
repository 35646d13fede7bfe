using System.Net;
using System.Security.Cryptography;
using OrleansRegistry.IntegrationTests.Infrastructure;
using OrleansRegistry.Storage;
using OrleansRegistry.Storage.Gcs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansRegistry.IntegrationTests;

/// <summary>
/// The Cloud Storage artifact store with the real Google client library against the Firebase suite's Cloud Storage
/// emulator (started once for the class), on its own and under the registry. Where the emulator falls short (chunked
/// resumable uploads, buckets), the fixture answers in front of it: see <see cref="GcsEmulator"/>.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class GcsStorageTests(PostgresServer postgres, GcsStorageTests.EmulatorFixture emulator) : IClassFixture<GcsStorageTests.EmulatorFixture>
{
    /// <summary>More than one chunk: a resumable upload of two chunks.</summary>
    private const int MultiChunkSize = GcsArtifactStore.ChunkSize + 4096;

    private readonly GcsEmulator _gcs = emulator.Server;

    public sealed class EmulatorFixture : IAsyncLifetime
    {
        public GcsEmulator Server { get; private set; } = null!;

        public async Task InitializeAsync() => Server = await GcsEmulator.StartAsync();

        public async Task DisposeAsync() => await Server.DisposeAsync();
    }

    private static IArtifactStore Store(IDictionary<string, string?> settings) =>
        new ServiceCollection().AddArtifactStore(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), Path.GetTempPath())
            .BuildServiceProvider().GetRequiredService<IArtifactStore>();

    private Dictionary<string, string?> Settings(string? prefix = null, string bucket = GcsEmulator.Bucket)
    {
        var settings = _gcs.RegistrySettings(prefix);
        settings["Registry:Storage:Gcs:Bucket"] = bucket;
        return settings;
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(MultiChunkSize)]
    public async Task An_artifact_is_stored_hashed_read_back_listed_and_deleted(int size)
    {
        var prefix = $"tests-{size}";
        var store = Store(Settings(prefix));
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

        var listed = await store.ListAsync("composer/", CancellationToken.None).ToListAsync();
        Assert.Equal(["composer/x/lib.zip"], listed.Select(a => a.Key));
        Assert.Equal((long)size, listed[0].Size);

        // Under the prefix, and nowhere else.
        Assert.Null(await Store(Settings()).GetInfoAsync("composer/x/lib.zip", CancellationToken.None));

        await store.DeleteAsync("composer/x/lib.zip", CancellationToken.None);
        Assert.Null(await store.GetInfoAsync("composer/x/lib.zip", CancellationToken.None));
        Assert.Null(await store.OpenReadAsync("composer/x/lib.zip", CancellationToken.None));
        await store.DeleteAsync("composer/x/lib.zip", CancellationToken.None);
        Assert.Empty(await store.ListAsync("", CancellationToken.None).ToListAsync());
    }

    [Theory]
    [InlineData(1000, 999)]
    [InlineData(MultiChunkSize, GcsArtifactStore.ChunkSize + 1)]
    public async Task An_upload_over_its_limit_leaves_nothing_behind(int size, int limit)
    {
        var store = Store(Settings($"over-{size}"));
        await Assert.ThrowsAsync<ArtifactTooLargeException>(() => store.WriteAsync("big.zip", new MemoryStream(new byte[size]), limit, CancellationToken.None));
        Assert.Null(await store.GetInfoAsync("big.zip", CancellationToken.None));
        Assert.Empty(await store.ListAsync("", CancellationToken.None).ToListAsync());
    }

    /// <summary>The emulator does not verify signatures: this checks the URL is a V4 signed GET on the endpoint, and that it downloads.</summary>
    [Fact]
    public async Task A_signed_url_downloads_with_a_plain_get()
    {
        var store = Store(Settings("signed"));
        var content = RandomNumberGenerator.GetBytes(5000);
        await store.WriteAsync("modules/m.tar.gz", new MemoryStream(content), long.MaxValue, CancellationToken.None);

        var url = (await store.GetDownloadUrlAsync("modules/m.tar.gz", DateTimeOffset.UtcNow.AddMinutes(5), CancellationToken.None))!;
        Assert.Equal(_gcs.Endpoint, url.GetLeftPart(UriPartial.Authority));
        Assert.Equal($"/{GcsEmulator.Bucket}/signed/modules/m.tar.gz", url.AbsolutePath);
        Assert.Contains("X-Goog-Algorithm=GOOG4-RSA-SHA256", url.Query, StringComparison.Ordinal);
        Assert.Contains("X-Goog-Signature=", url.Query, StringComparison.Ordinal);
        using var http = new HttpClient();
        Assert.Equal(content, await http.GetByteArrayAsync(url));
    }

    [Fact]
    public async Task A_missing_bucket_is_the_store_failing_and_names_the_setting_until_created()
    {
        var store = Store(Settings(bucket: "created-on-demand"));
        var failure = await Assert.ThrowsAsync<ArtifactStoreUnavailableException>(
            () => store.WriteAsync("a.zip", new MemoryStream([1, 2, 3]), long.MaxValue, CancellationToken.None));
        Assert.Contains("'created-on-demand'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("the bucket does not exist (REGISTRY_STORAGE_GCS_BUCKET)", failure.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArtifactStoreUnavailableException>(() => store.GetInfoAsync("a.zip", CancellationToken.None));

        await store.CreateIfMissingAsync(CancellationToken.None);
        await store.CreateIfMissingAsync(CancellationToken.None);
        await store.WriteAsync("a.zip", new MemoryStream([1, 2, 3]), long.MaxValue, CancellationToken.None);
        Assert.Equal(3, (await store.GetInfoAsync("a.zip", CancellationToken.None))!.Size);
    }

    [Theory]
    [InlineData("REGISTRY_STORAGE_GCS_BUCKET", "no-such-bucket", "the bucket does not exist (REGISTRY_STORAGE_GCS_BUCKET)")]
    [InlineData("REGISTRY_STORAGE_GCS_ENDPOINT", "http://127.0.0.1:9", "Cloud Storage could not be reached at http://127.0.0.1:9/storage/v1/")]
    public async Task A_silo_whose_bucket_cannot_be_used_exits_saying_why(string name, string value, string message)
    {
        await using var silo = RegistryProcess.Start("Silo.dll", SiloEnvironment(await postgres.CreateDatabaseAsync(), name, value));
        var exitCode = await silo.ExitCodeWithinAsync(TimeSpan.FromSeconds(90));
        Assert.True(exitCode is not null, $"the silo kept running with {name}={value}:\n{silo.Output}");
        Assert.Equal(1, exitCode);
        Assert.Contains("error: the artifact store failed its start-up check", silo.Output, StringComparison.Ordinal);
        Assert.Contains(message, silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silo_without_credentials_stops_saying_where_to_set_them()
    {
        // Google's endpoint, no key file, no GOOGLE_APPLICATION_CREDENTIALS and no gcloud login under this HOME.
        var environment = SiloEnvironment(await postgres.CreateDatabaseAsync(), "GOOGLE_APPLICATION_CREDENTIALS", "");
        environment.Remove("REGISTRY_STORAGE_GCS_ENDPOINT");
        environment.Remove("REGISTRY_STORAGE_GCS_CREDENTIALS_FILE");
        environment["HOME"] = Path.GetTempPath();
        await using var silo = RegistryProcess.Start("Silo.dll", environment);
        var exitCode = await silo.ExitCodeWithinAsync(TimeSpan.FromSeconds(90));
        Assert.True(exitCode is not null and not 0, $"the silo kept running without credentials:\n{silo.Output}");
        Assert.True(silo.Output.Contains("could not find default credentials: set GOOGLE_APPLICATION_CREDENTIALS or REGISTRY_STORAGE_GCS_CREDENTIALS_FILE", StringComparison.Ordinal), silo.Output);
    }

    [Theory]
    [InlineData(null, null, 0, "artifact store (gcs): a probe was written, read back and deleted")]
    [InlineData("REGISTRY_STORAGE_GCS_BUCKET", "no-such-bucket", 1, "the bucket does not exist")]
    public async Task Storage_check_runs_the_probe_on_demand(string? name, string? value, int exitCode, string message)
    {
        await using var check = RegistryProcess.Start("Silo.dll", SiloEnvironment(await postgres.CreateDatabaseAsync(), name, value), "storage", "check");
        Assert.Equal(exitCode, await check.ExitCodeWithinAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(message, check.Output, StringComparison.Ordinal);
    }

    private Dictionary<string, string> SiloEnvironment(string connectionString, string? name, string? value) =>
        StoreUnderRegistry.SiloEnvironment(_gcs, connectionString, name, value);

    [Fact]
    public Task Composer_installs_a_package_whose_dist_is_in_the_bucket() => StoreUnderRegistry.ComposerInstallsAsync(postgres, _gcs, "composer-registry");

    [Fact]
    public Task Terraform_installs_a_module_whose_archive_is_in_the_bucket() => StoreUnderRegistry.TerraformInstallsAsync(postgres, _gcs, "terraform-registry");
}
