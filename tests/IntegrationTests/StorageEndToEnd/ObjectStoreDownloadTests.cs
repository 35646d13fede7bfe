using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrleansRegistry.IntegrationTests.Infrastructure;
using OrleansRegistry.Storage;

namespace OrleansRegistry.IntegrationTests.StorageEndToEnd;

/// <summary>
/// Artifacts served through the registry from an object store in proxy mode: HEAD and ranges, and the store failing
/// under the registry (killed in the middle of things, an object deleted behind its back). One class per store.
/// </summary>
public abstract class ObjectStoreDownloadTests(PostgresServer postgres) : IAsyncLifetime
{
    private IStorageServer _server = null!;
    private RegistryInstance _registry = null!;

    protected abstract Task<IStorageServer> StartServerAsync();

    /// <summary>
    /// After an outage: the store brought back holds exactly <paramref name="objects"/> and serves <paramref name="archive"/>
    /// again, where the server can be restarted with its objects (s3rver); nothing to check otherwise.
    /// </summary>
    protected virtual Task AfterTheOutageAsync(List<string> objects, string archive, byte[] bytes) => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _server = await StartServerAsync();
        _registry = await RegistryInstance.StartAsync(await postgres.CreateDatabaseAsync(), settings: _server.RegistrySettings());
        await _registry.CreateNamespaceAsync("acme");
        using var module = await _registry.PublishModuleAsync("acme", "net", "aws", "1.0.0", ModuleArchives.Greeting("1.0.0"));
        Assert.Equal(HttpStatusCode.Created, module.StatusCode);
        using var package = await _registry.PublishComposerAsync(ComposerCli.PackageZip("acme/lib", version: "1.0.0"));
        Assert.Equal(HttpStatusCode.Created, package.StatusCode);
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Downloads_from_the_store_answer_HEAD_ranges_and_conditional_requests()
    {
        var archive = await ModuleLinkAsync();
        using var whole = await _registry.SendAsync(HttpMethod.Get, archive);
        var bytes = await whole.Content.ReadAsByteArrayAsync();
        Assert.Equal("bytes", whole.Headers.AcceptRanges.Single());
        var lastModified = whole.Content.Headers.LastModified!.Value;

        using (var head = await _registry.SendAsync(HttpMethod.Head, archive))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(bytes.Length, head.Content.Headers.ContentLength);
        }

        using var partRequest = _registry.Request(HttpMethod.Get, archive);
        partRequest.Headers.Range = new(10, 19);
        using (var part = await _registry.Client.SendAsync(partRequest))
        {
            Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
            Assert.Equal(bytes[10..20], await part.Content.ReadAsByteArrayAsync());
        }

        using var tailRequest = _registry.Request(HttpMethod.Get, archive);
        tailRequest.Headers.Range = new(null, 5);
        using (var tail = await _registry.Client.SendAsync(tailRequest))
        {
            Assert.Equal(HttpStatusCode.PartialContent, tail.StatusCode);
            Assert.Equal(bytes[^5..], await tail.Content.ReadAsByteArrayAsync());
        }

        using var conditional = _registry.Request(HttpMethod.Get, archive);
        conditional.Headers.IfModifiedSince = lastModified;
        using (var notModified = await _registry.Client.SendAsync(conditional))
        {
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        }

        // A part of a Composer dist is read from the store the same way.
        var dist = await DistUrlAsync();
        using var distRange = _registry.Request(HttpMethod.Get, dist);
        distRange.Headers.Range = new(0, 1);
        using (var partOfDist = await _registry.Client.SendAsync(distRange))
        {
            Assert.Equal(HttpStatusCode.PartialContent, partOfDist.StatusCode);
            Assert.Equal("PK"u8.ToArray(), await partOfDist.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task While_the_store_is_down_downloads_are_503_and_uploads_leave_nothing()
    {
        var before = await ObjectsAsync();
        var archive = await ModuleLinkAsync();
        var dist = await DistUrlAsync();
        using var served = await _registry.SendAsync(HttpMethod.Get, archive);
        var bytes = await served.Content.ReadAsByteArrayAsync();
        await _server.StopAsync();

        foreach (var url in new[] { archive, dist })
        {
            using var answer = await _registry.SendAsync(HttpMethod.Get, url);
            var body = await answer.Content.ReadAsStringAsync();
            Assert.True(answer.StatusCode == HttpStatusCode.ServiceUnavailable, $"{url}: {answer.StatusCode} {body}");
            Assert.Contains("the artifact store is unavailable", JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.NotNull(answer.Headers.RetryAfter);
        }

        using (var module = await _registry.PublishModuleAsync("acme", "net", "aws", "1.1.0", ModuleArchives.Greeting("1.1.0")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, module.StatusCode);
        }

        using (var package = await _registry.PublishComposerAsync(ComposerCli.PackageZip("acme/lib", version: "1.1.0")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, package.StatusCode);
        }

        await AssertOnlyTheFirstVersionsAsync();
        await AfterTheOutageAsync(before, archive, bytes);
    }

    [Fact]
    public async Task A_store_that_fails_in_the_middle_of_an_upload_leaves_no_version_and_no_object()
    {
        var before = await ObjectsAsync();
        using var gate = new GatedStream(RandomNumberGenerator.GetBytes(20 * 1024 * 1024), gateAt: 12 * 1024 * 1024);
        using var form = new MultipartFormDataContent
        {
            { new StringContent("acme"), "namespace" }, { new StringContent("net"), "name" },
            { new StringContent("aws"), "system" }, { new StringContent("1.1.0"), "version" },
            { new StreamContent(gate), "file", "module.tar.gz" },
        };
        var upload = _registry.SendAsync(HttpMethod.Post, "/api/v1/modules", content: form);
        await gate.Reached.Task.WaitAsync(TimeSpan.FromMinutes(1));
        await _server.StopAsync();
        gate.Open();
        using (var answer = await upload)
        {
            Assert.True(answer.StatusCode == HttpStatusCode.ServiceUnavailable, $"{answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
        }

        await AssertOnlyTheFirstVersionsAsync();
        await AfterTheOutageAsync(before, await ModuleLinkAsync(), []);
    }

    [Fact]
    public async Task An_object_missing_from_the_store_is_a_404_naming_it()
    {
        var archive = await ModuleLinkAsync();
        var key = Uri.UnescapeDataString(new Uri(_registry.Client.BaseAddress!, archive).AbsolutePath["/files/".Length..]);
        await Store().DeleteAsync(key, CancellationToken.None);
        using var answer = await _registry.SendAsync(HttpMethod.Get, archive);
        var body = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == HttpStatusCode.NotFound, body);
        Assert.Contains(key, JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    protected IArtifactStore Store() =>
        new ServiceCollection().AddArtifactStore(new ConfigurationBuilder().AddInMemoryCollection(_server.RegistrySettings()).Build(), Path.GetTempPath())
            .BuildServiceProvider().GetRequiredService<IArtifactStore>();

    protected async Task<List<string>> ObjectsAsync() =>
        await Store().ListAsync("", CancellationToken.None).Select(a => a.Key).Where(k => !k.StartsWith("health/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToListAsync();

    private async Task AssertOnlyTheFirstVersionsAsync()
    {
        var reader = await _registry.CreateKeyAsync(["modules:read", "packages:read"]);
        var modules = await _registry.JsonAsync(HttpMethod.Get, "/v1/modules/acme/net/aws/versions", key: reader);
        Assert.Equal(["1.0.0"], modules.GetProperty("modules")[0].GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetString()));
        var packages = await _registry.JsonAsync(HttpMethod.Get, "/p2/acme/lib.json", key: reader);
        Assert.Single(packages.GetProperty("packages").GetProperty("acme/lib").EnumerateArray());
    }

    protected RegistryInstance Registry => _registry;

    private async Task<string> ModuleLinkAsync()
    {
        var reader = await _registry.CreateKeyAsync(["modules:read"]);
        using var download = await _registry.SendAsync(HttpMethod.Get, "/v1/modules/acme/net/aws/1.0.0/download", reader);
        return download.Headers.GetValues("X-Terraform-Get").Single();
    }

    private async Task<string> DistUrlAsync()
    {
        var metadata = await _registry.JsonAsync(HttpMethod.Get, "/p2/acme/lib.json");
        return new Uri(metadata.GetProperty("packages").GetProperty("acme/lib")[0].GetProperty("dist").GetProperty("url").GetString()!).PathAndQuery;
    }
}
