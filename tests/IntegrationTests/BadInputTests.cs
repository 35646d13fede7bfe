using System.Formats.Tar;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests;

/// <summary>Every bad request gets a 4xx JSON error naming the problem, and nothing is stored.</summary>
[Collection(PostgresCollection.Name)]
public sealed class BadInputTests(PostgresServer postgres) : IAsyncLifetime
{
    private const int MaxUpload = 64 * 1024;
    private RegistryInstance _registry = null!;

    public async Task InitializeAsync()
    {
        _registry = await RegistryInstance.StartAsync(await postgres.CreateDatabaseAsync(), settings: new Dictionary<string, string?>
        {
            ["Registry:MaxModuleUploadBytes"] = MaxUpload.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await _registry.CreateNamespaceAsync("acme");
    }

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    private static async Task<string> ErrorOf(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {expected}, got {response.StatusCode}: {body}");
        // RFC 9457 problem details, keeping the "error" and "request_id" members clients of the earlier shape read.
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("request_id").GetString()));
        Assert.Equal((int)expected, json.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(json.RootElement.GetProperty("detail").GetString(), json.RootElement.GetProperty("error").GetString());
        return json.RootElement.GetProperty("error").GetString()!;
    }

    private async Task<string> PublishError(HttpStatusCode expected, string version, byte[] archive, string fileName = "m.tar.gz", string ns = "acme", string name = "m")
    {
        var before = ModuleArchives.StoredModuleFiles(_registry.DataDir);
        using var response = await _registry.PublishModuleAsync(ns, name, "aws", version, archive, fileName);
        var error = await ErrorOf(response, expected);
        Assert.Equal(before, ModuleArchives.StoredModuleFiles(_registry.DataDir));
        return error;
    }

    [Theory]
    [InlineData("1.2", "not a semantic version")]
    [InlineData("latest", "not a semantic version")]
    [InlineData("1.0.0-", "pre-release")]
    public async Task Bad_versions_are_refused(string version, string problem) =>
        Assert.Contains(problem, await PublishError(HttpStatusCode.BadRequest, version, ModuleArchives.Greeting("x")), StringComparison.Ordinal);

    [Fact]
    public async Task Traversal_and_link_archives_are_refused()
    {
        Assert.Contains("'..'", await PublishError(HttpStatusCode.BadRequest, "1.0.0", ModuleArchives.TarGzWithEntry("../../etc/cron.d/x", TarEntryType.RegularFile, "boom")), StringComparison.Ordinal);
        Assert.Contains("absolute", await PublishError(HttpStatusCode.BadRequest, "1.0.1", ModuleArchives.TarGzWithEntry("/etc/passwd", TarEntryType.RegularFile, "boom")), StringComparison.Ordinal);
        Assert.Contains("outside the archive", await PublishError(HttpStatusCode.BadRequest, "1.0.2", ModuleArchives.TarGzWithEntry("evil", TarEntryType.SymbolicLink, "/etc")), StringComparison.Ordinal);
        Assert.Contains("..", await PublishError(HttpStatusCode.BadRequest, "1.0.3", ModuleArchives.Zip(new Dictionary<string, string> { ["main.tf"] = "", ["../x"] = "" }), "m.zip"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_types_and_unknown_files_are_refused()
    {
        Assert.Contains("not a gzip", await PublishError(HttpStatusCode.BadRequest, "1.0.0", Encoding.UTF8.GetBytes("plain text")), StringComparison.Ordinal);
        Assert.Contains("unexpected file", await PublishError(HttpStatusCode.BadRequest, "1.0.0", ModuleArchives.Greeting("1"), "m.rar"), StringComparison.Ordinal);
        Assert.Contains("no Terraform files", await PublishError(HttpStatusCode.BadRequest, "1.0.0", ModuleArchives.TarGz(new Dictionary<string, string> { ["x.txt"] = "" })), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oversize_uploads_get_413_and_leave_nothing()
    {
        var big = new byte[MaxUpload + 1024];
        Random.Shared.NextBytes(big);
        big[0] = 0x1f;
        big[1] = 0x8b;
        Assert.Contains("exceeds", await PublishError(HttpStatusCode.RequestEntityTooLarge, "1.0.0", big), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_namespace_duplicate_version_and_bad_names()
    {
        Assert.Contains("does not exist", await PublishError(HttpStatusCode.NotFound, "1.0.0", ModuleArchives.Greeting("1"), ns: "nope"), StringComparison.Ordinal);
        Assert.Contains("'name'", await PublishError(HttpStatusCode.BadRequest, "1.0.0", ModuleArchives.Greeting("1"), name: "../x"), StringComparison.Ordinal);
        using (var first = await _registry.PublishModuleAsync("acme", "dup", "aws", "1.0.0", ModuleArchives.Greeting("1")))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        Assert.Contains("already exists", await PublishError(HttpStatusCode.Conflict, "v1.0.0", ModuleArchives.Greeting("1"), name: "dup"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_requests_get_json_errors()
    {
        using var notMultipart = await _registry.SendAsync(HttpMethod.Post, "/api/v1/modules", content: new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Contains("multipart", await ErrorOf(notMultipart, HttpStatusCode.BadRequest), StringComparison.Ordinal);

        var truncated = new ByteArrayContent(Encoding.ASCII.GetBytes("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.tar.gz\"\r\n\r\nabc"));
        truncated.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");
        using var malformed = await _registry.SendAsync(HttpMethod.Post, "/api/v1/modules", content: truncated);
        await ErrorOf(malformed, HttpStatusCode.BadRequest);

        using var noFile = await _registry.SendAsync(HttpMethod.Post, "/api/v1/modules", content: new MultipartFormDataContent { { new StringContent("acme"), "namespace" } });
        Assert.Contains("exactly one archive", await ErrorOf(noFile, HttpStatusCode.BadRequest), StringComparison.Ordinal);

        using var badJson = await _registry.SendAsync(HttpMethod.Post, "/api/v1/namespaces", content: new StringContent("{\"name\":", Encoding.UTF8, "application/json"));
        Assert.Contains("invalid JSON", await ErrorOf(badJson, HttpStatusCode.BadRequest), StringComparison.Ordinal);
        using var wrongType = await _registry.SendAsync(HttpMethod.Post, "/api/v1/apikeys", content: new StringContent("{\"name\":\"x\",\"scopes\":\"admin\"}", Encoding.UTF8, "application/json"));
        Assert.Contains("scopes", await ErrorOf(wrongType, HttpStatusCode.BadRequest), StringComparison.Ordinal);

        using var badQuery = await _registry.SendAsync(HttpMethod.Get, "/api/v1/audit?limit=lots");
        Assert.Contains("limit", await ErrorOf(badQuery, HttpStatusCode.BadRequest), StringComparison.Ordinal);

        using var unknown = await _registry.SendAsync(HttpMethod.Get, "/v2/nothing/here");
        Assert.Contains("no such endpoint", await ErrorOf(unknown, HttpStatusCode.NotFound), StringComparison.Ordinal);
        using var unknownModule = await _registry.SendAsync(HttpMethod.Get, "/v1/modules/acme/none/aws/versions");
        await ErrorOf(unknownModule, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Download_links_must_be_signed()
    {
        using (var r = await _registry.PublishModuleAsync("acme", "signed", "aws", "1.0.0", ModuleArchives.Greeting("1")))
        {
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        }

        using var download = await _registry.SendAsync(HttpMethod.Get, "/v1/modules/acme/signed/aws/1.0.0/download");
        var location = download.Headers.GetValues("X-Terraform-Get").Single();
        using var ok = await _registry.Client.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using var head = await _registry.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, location));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        using var unsigned = await _registry.Client.GetAsync(location[..location.IndexOf('?', StringComparison.Ordinal)]);
        Assert.Contains("not signed", await ErrorOf(unsigned, HttpStatusCode.Forbidden), StringComparison.Ordinal);
        using var tampered = await _registry.Client.GetAsync(location.Replace("sig=", "sig=x", StringComparison.Ordinal));
        Assert.Contains("signature", await ErrorOf(tampered, HttpStatusCode.Forbidden), StringComparison.Ordinal);
        var ranged = new HttpRequestMessage(HttpMethod.Get, location);
        ranged.Headers.Range = new RangeHeaderValue(0, 9);
        using var partial = await _registry.Client.SendAsync(ranged);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(10, (await partial.Content.ReadAsByteArrayAsync()).Length);
    }
}
