using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrleansRegistry.IntegrationTests.Infrastructure;
using OrleansRegistry.Storage;
using OrleansRegistry.Storage.Azure;

namespace OrleansRegistry.IntegrationTests;

/// <summary>The Azure Blob artifact store with the real Azure SDK against a real blob service (azurite), on its own and under the registry.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AzureStorageTests(PostgresServer postgres) : IAsyncLifetime
{
    /// <summary>More than one block: two staged blocks and a commit.</summary>
    private const int MultiBlockSize = AzureBlobArtifactStore.BlockSize + 4096;

    private AzuriteServer _azurite = null!;

    public async Task InitializeAsync() => _azurite = await AzuriteServer.StartAsync();

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    private static IArtifactStore Store(IDictionary<string, string?> settings) =>
        new ServiceCollection().AddArtifactStore(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), Path.GetTempPath())
            .BuildServiceProvider().GetRequiredService<IArtifactStore>();

    [Theory]
    [InlineData(1000)]
    [InlineData(MultiBlockSize)]
    public async Task An_artifact_is_stored_hashed_read_back_and_deleted(int size)
    {
        var store = Store(_azurite.RegistrySettings(prefix: "tests"));
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
        Assert.True(await _azurite.Client.GetBlobContainerClient(AzuriteServer.Container).GetBlobClient("tests/composer/x/lib.zip").ExistsAsync());
        Assert.Null(await Store(_azurite.RegistrySettings()).GetInfoAsync("composer/x/lib.zip", CancellationToken.None));

        await store.DeleteAsync("composer/x/lib.zip", CancellationToken.None);
        await store.DeleteAsync("composer/x/lib.zip", CancellationToken.None);
        Assert.Null(await store.GetInfoAsync("composer/x/lib.zip", CancellationToken.None));
        Assert.Null(await store.OpenReadAsync("composer/x/lib.zip", CancellationToken.None));
    }

    [Fact]
    public async Task An_upload_over_its_limit_leaves_nothing_behind()
    {
        var store = Store(_azurite.RegistrySettings());
        var content = new MemoryStream(new byte[2 * MultiBlockSize]);
        await Assert.ThrowsAsync<ArtifactTooLargeException>(() => store.WriteAsync("big.zip", content, MultiBlockSize, CancellationToken.None));
        Assert.Null(await store.GetInfoAsync("big.zip", CancellationToken.None));
        Assert.Empty(await store.ListAsync("", CancellationToken.None).ToListAsync());
    }

    [Fact]
    public async Task Listing_gives_the_keys_under_a_key_prefix_relative_to_the_store_prefix()
    {
        var store = Store(_azurite.RegistrySettings(prefix: "tests"));
        foreach (var key in new[] { "composer/a/1.zip", "composer/b/2.zip", "modules/c.zip" })
        {
            await store.WriteAsync(key, new MemoryStream(new byte[key.Length]), long.MaxValue, CancellationToken.None);
        }

        var listed = await store.ListAsync("composer/", CancellationToken.None).ToListAsync();
        Assert.Equal(["composer/a/1.zip", "composer/b/2.zip"], listed.Select(item => item.Key).Order(StringComparer.Ordinal));
        Assert.All(listed, item => Assert.Equal(item.Key.Length, item.Size));
        Assert.Equal(3, (await store.ListAsync("", CancellationToken.None).ToListAsync()).Count);
    }

    [Fact]
    public async Task A_sas_link_downloads_its_blob_with_a_plain_client_until_it_expires()
    {
        var store = Store(_azurite.RegistrySettings(prefix: "tests"));
        var content = RandomNumberGenerator.GetBytes(5000);
        await store.WriteAsync("a.zip", new MemoryStream(content), long.MaxValue, CancellationToken.None);
        await store.WriteAsync("b.zip", new MemoryStream([1, 2, 3]), long.MaxValue, CancellationToken.None);
        using var http = new HttpClient();

        var url = (await store.GetDownloadUrlAsync("a.zip", DateTimeOffset.UtcNow.AddSeconds(5), CancellationToken.None))!;
        Assert.Equal(content, await http.GetByteArrayAsync(url));

        // The link is for that blob only, and read-only; a changed signature is refused.
        using (var other = await http.GetAsync(new Uri(url.ToString().Replace("/a.zip?", "/b.zip?", StringComparison.Ordinal))))
        {
            Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        }

        using (var put = await http.SendAsync(new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent([9]), Headers = { { "x-ms-blob-type", "BlockBlob" } } }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        }

        var tampered = System.Text.RegularExpressions.Regex.Replace(url.ToString(), "sig=[^&]+", "sig=" + Uri.EscapeDataString(Convert.ToBase64String(new byte[32])));
        using (var forged = await http.GetAsync(new Uri(tampered)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        }

        await Task.Delay(TimeSpan.FromSeconds(7));
        using var expired = await http.GetAsync(url);
        Assert.Equal(HttpStatusCode.Forbidden, expired.StatusCode);
    }

    [Fact]
    public void The_sas_token_expiry_is_the_redirect_lifetime_of_an_azure_store()
    {
        var settings = _azurite.RegistrySettings();
        settings["Registry:Storage:Azure:SasTokenExpiry"] = "2h";
        var section = new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(StorageOptions.Section);
        StorageServiceCollectionExtensions.CreateStore(section, "REGISTRY_STORAGE", Path.GetTempPath(), out var options);
        Assert.Equal(TimeSpan.FromHours(2), options.RedirectLifetimeSpan);
    }

    [Fact]
    public async Task A_connection_string_store_stores_and_signs_links_but_one_with_a_sas_cannot_redirect()
    {
        var settings = _azurite.RegistrySettings();
        settings.Remove("Registry:Storage:Azure:AccountName");
        settings.Remove("Registry:Storage:Azure:AccountKey");
        settings.Remove("Registry:Storage:Azure:Endpoint");
        settings["Registry:Storage:Azure:ConnectionString"] = _azurite.ConnectionString;
        var store = Store(settings);
        await store.WriteAsync("a.zip", new MemoryStream([1, 2, 3]), long.MaxValue, CancellationToken.None);
        using var http = new HttpClient();
        Assert.Equal([1, 2, 3], await http.GetByteArrayAsync(await store.GetDownloadUrlAsync("a.zip", DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None)));

        settings["Registry:Storage:Azure:ConnectionString"] = $"BlobEndpoint={_azurite.Endpoint};SharedAccessSignature=sv=2020-08-04&ss=b&srt=sco&sp=rl&se=2099-01-01T00:00:00Z&sig=x";
        settings["Registry:Storage:Downloads"] = "redirect";
        Assert.Contains("REGISTRY_STORAGE_DOWNLOADS=redirect needs SAS links signed by an account key", Assert.Throws<StorageSettingsException>(() => Store(settings)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Registry:Storage:Azure:Container", null, "REGISTRY_STORAGE_AZURE_CONTAINER is required")]
    [InlineData("Registry:Storage:Azure:AccountName", null, "REGISTRY_STORAGE_AZURE_ACCOUNT_KEY needs REGISTRY_STORAGE_AZURE_ACCOUNT_NAME")]
    [InlineData("Registry:Storage:Azure:AccountKey", null, "REGISTRY_STORAGE_AZURE_ENDPOINT 'http://127.0.0.1")]
    [InlineData("Registry:Storage:Azure:ConnectionString", "UseDevelopmentStorage=true", "leave REGISTRY_STORAGE_AZURE_ACCOUNT_KEY and REGISTRY_STORAGE_AZURE_ENDPOINT unset")]
    [InlineData("Registry:Storage:Azure:SasTokenExpiry", "8d", "REGISTRY_STORAGE_AZURE_SAS_TOKEN_EXPIRY '8d'")]
    public void Settings_that_cannot_work_stop_the_start_naming_the_setting(string name, string? value, string message)
    {
        var settings = _azurite.RegistrySettings();
        settings[name] = value;
        Assert.Contains(message, Assert.Throws<StorageSettingsException>(() => Store(settings)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_if_missing_creates_the_container_and_is_fine_when_it_exists()
    {
        var settings = _azurite.RegistrySettings();
        settings["Registry:Storage:Azure:Container"] = "fresh";
        var store = Store(settings);
        await store.CreateIfMissingAsync(CancellationToken.None);
        await store.CreateIfMissingAsync(CancellationToken.None);
        Assert.True(await _azurite.Client.GetBlobContainerClient("fresh").ExistsAsync());
        await store.WriteAsync("a.zip", new MemoryStream([1, 2, 3]), long.MaxValue, CancellationToken.None);
        Assert.Equal(3, (await store.GetInfoAsync("a.zip", CancellationToken.None))!.Size);
    }

    [Theory]
    [InlineData("Registry:Storage:Azure:Container", "no-such-container", "(ContainerNotFound): check REGISTRY_STORAGE_AZURE_CONTAINER")]
    // Azure answers a wrong key with AuthenticationFailed; azurite with AuthorizationFailure and Azure's authentication message.
    [InlineData("Registry:Storage:Azure:AccountKey", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "(AuthenticationFailed): the account key was refused")]
    [InlineData("Registry:Storage:Azure:Endpoint", "http://127.0.0.1:1/devstoreaccount1", "the blob endpoint http://127.0.0.1:1/devstoreaccount1 could not be reached")]
    public async Task A_store_failure_says_which_setting_to_fix(string name, string value, string message)
    {
        var settings = _azurite.RegistrySettings();
        settings[name] = value;
        var store = Store(settings);
        Func<Task>[] calls = [() => store.WriteAsync("a.zip", new MemoryStream([1, 2, 3]), long.MaxValue, CancellationToken.None), () => store.GetInfoAsync("a.zip", CancellationToken.None)];
        foreach (var call in calls)
        {
            var failure = await Assert.ThrowsAsync<ArtifactStoreUnavailableException>(call);
            Assert.True(failure.Message.Contains(message, StringComparison.Ordinal), failure.ToString());
        }
    }

    [Fact]
    public async Task A_silo_whose_container_is_missing_exits_saying_why()
    {
        var environment = SiloEnvironment(await postgres.CreateDatabaseAsync(), "REGISTRY_STORAGE_AZURE_CONTAINER", "no-such-container");
        await using var silo = RegistryProcess.Start("Silo.dll", environment);
        var exitCode = await silo.ExitCodeWithinAsync(TimeSpan.FromSeconds(90));
        Assert.True(exitCode is not null, $"the silo kept running without its container:\n{silo.Output}");
        Assert.Equal(1, exitCode);
        Assert.Contains("error: the artifact store failed its start-up check", silo.Output, StringComparison.Ordinal);
        Assert.Contains("the registry does not create containers unless REGISTRY_STORAGE_CREATE_IF_MISSING=true", silo.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, 0, "artifact store (azure): a probe was written, read back and deleted")]
    [InlineData("REGISTRY_STORAGE_AZURE_CONTAINER", "no-such-container", 1, "the container does not exist (ContainerNotFound)")]
    public async Task Storage_check_runs_the_probe_on_demand(string? name, string? value, int exitCode, string message)
    {
        await using var check = RegistryProcess.Start("Silo.dll", SiloEnvironment(await postgres.CreateDatabaseAsync(), name, value), "storage", "check");
        Assert.Equal(exitCode, await check.ExitCodeWithinAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(message, check.Output, StringComparison.Ordinal);
    }

    private Dictionary<string, string> SiloEnvironment(string connectionString, string? name, string? value) =>
        StoreUnderRegistry.SiloEnvironment(_azurite, connectionString, name, value);

    [Fact]
    public Task Composer_installs_a_package_whose_dist_is_in_the_container() => StoreUnderRegistry.ComposerInstallsAsync(postgres, _azurite, "registry");

    [Fact]
    public Task Terraform_installs_a_module_whose_archive_is_in_the_container() => StoreUnderRegistry.TerraformInstallsAsync(postgres, _azurite, null);
}
