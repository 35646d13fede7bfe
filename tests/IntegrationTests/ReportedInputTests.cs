using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests;

/// <summary>
/// The inputs reported to give 500s, empty bodies or inconsistent limits, each now a clear 4xx JSON error (or the
/// right answer), plus the listener and Host rules. The registry runs with the dashboard on and REGISTRY_ALLOWED_HOSTS.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ReportedInputTests(PostgresServer postgres) : IAsyncLifetime
{
    private RegistryInstance _registry = null!;

    public async Task InitializeAsync()
    {
        _registry = await RegistryInstance.StartAsync(await postgres.CreateDatabaseAsync(), settings: new Dictionary<string, string?>
        {
            ["Registry:Dashboard"] = "true",
            ["Registry:AllowedHosts"] = "127.0.0.1;registry.acme.test",
        });
        await _registry.CreateNamespaceAsync("acme");
    }

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    private static async Task<string> ErrorOf(HttpResponseMessage response, HttpStatusCode expected)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == expected, $"expected {expected}, got {(int)response.StatusCode}: {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            return JsonDocument.Parse(body).RootElement.GetProperty("error").GetString()!;
        }
    }

    private Task<HttpResponseMessage> PostJsonAsync(string path, string json) =>
        _registry.SendAsync(HttpMethod.Post, path, content: new StringContent(json, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task Api_keys_with_null_scopes_or_namespaces_are_refused()
    {
        Assert.Contains("'scopes'", await ErrorOf(await PostJsonAsync("/api/v1/apikeys", """{"name":"k","scopes":[null]}"""), HttpStatusCode.BadRequest), StringComparison.Ordinal);
        Assert.Contains("'namespaces'", await ErrorOf(await PostJsonAsync("/api/v1/apikeys", """{"name":"k","scopes":["packages:read"],"namespaces":[null]}"""), HttpStatusCode.BadRequest), StringComparison.Ordinal);
        Assert.Contains("'namespaces'", await ErrorOf(await PostJsonAsync("/api/v1/apikeys", """{"name":"k","scopes":["packages:read"],"namespaces":["acme",null]}"""), HttpStatusCode.BadRequest), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"downloads":[null]}""")]
    [InlineData("""{"downloads":[1]}""")]
    [InlineData("""{"downloads":["x"]}""")]
    [InlineData("""{"downloads":{}}""")]
    [InlineData("""[]""")]
    public async Task Install_reports_of_the_wrong_shape_are_refused(string body) =>
        Assert.Contains("downloads", await ErrorOf(await PostJsonAsync("/downloads", body), HttpStatusCode.BadRequest), StringComparison.Ordinal);

    [Fact]
    public async Task Dashboard_silo_endpoints_refuse_what_is_not_a_silo_address()
    {
        Assert.Contains("not a silo address", await ErrorOf(await _registry.SendAsync(HttpMethod.Get, "/dashboard/HistoricalStats/x"), HttpStatusCode.BadRequest), StringComparison.Ordinal);
        Assert.Contains("not a silo address", await ErrorOf(await _registry.SendAsync(HttpMethod.Get, "/dashboard/SiloStats/1.2.3.4:x@y"), HttpStatusCode.BadRequest), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deprecations_take_a_short_reason_and_only_web_links_for_modules_and_providers()
    {
        using (var published = await _registry.PublishModuleAsync("acme", "old", "aws", "1.0.0", ModuleArchives.Greeting("1")))
        {
            Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        }

        var release = ProviderRelease.Create("old", "1.0.0", ["linux_amd64"], signer: null);
        using (var published = await _registry.SendAsync(HttpMethod.Post, "/api/v1/providers", content: release.Form("acme", "old", "1.0.0")))
        {
            Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        }

        foreach (var path in new[] { "/api/v1/modules/acme/old/aws/versions/1.0.0/deprecate", "/api/v1/providers/acme/old/versions/1.0.0/deprecate" })
        {
            Assert.Contains("'reason'", await ErrorOf(await _registry.SendAsync(HttpMethod.Post, path, content: JsonContent.Create(new { reason = new string('x', 100_000) })), HttpStatusCode.BadRequest), StringComparison.Ordinal);
            Assert.Contains("'link'", await ErrorOf(await _registry.SendAsync(HttpMethod.Post, path, content: JsonContent.Create(new { reason = "x", link = "javascript:alert(1)" })), HttpStatusCode.BadRequest), StringComparison.Ordinal);
            await _registry.JsonAsync(HttpMethod.Post, path, new { reason = "use 2.x", link = "https://acme.test/upgrade" }, expectedStatus: 204);
        }

        var warnings = (await _registry.JsonAsync(HttpMethod.Get, "/v1/providers/acme/old/versions")).GetProperty("warnings")[0].GetString();
        Assert.Equal("Version 1.0.0 of acme/old is deprecated: use 2.x (see https://acme.test/upgrade)", warnings);
    }

    [Fact]
    public async Task Versions_equal_in_precedence_are_one_version()
    {
        using (var published = await _registry.PublishModuleAsync("acme", "built", "aws", "1.0.0", ModuleArchives.Greeting("1")))
        {
            Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        }

        Assert.Contains("precedence", await ErrorOf(await _registry.PublishModuleAsync("acme", "built", "aws", "1.0.0+build.1", ModuleArchives.Greeting("2")), HttpStatusCode.Conflict), StringComparison.Ordinal);

        await PublishComposerAsync(ComposerCli.PackageZip("acme/lead", version: "1.0.0"), HttpStatusCode.Created);
        Assert.Contains("1.0.0", await PublishComposerAsync(ComposerCli.PackageZip("acme/lead", new Dictionary<string, string> { ["php"] = ">=8.0" }, version: "01.0.0"), HttpStatusCode.Conflict), StringComparison.Ordinal);
        var versions = (await _registry.JsonAsync(HttpMethod.Get, "/v1/modules/acme/built/aws/versions")).GetProperty("modules")[0].GetProperty("versions");
        Assert.Equal(1, versions.GetArrayLength());
    }

    private async Task<string> PublishComposerAsync(byte[] zip, HttpStatusCode expected)
    {
        var response = await _registry.PublishComposerAsync(zip);
        return expected == HttpStatusCode.Created ? await ExpectCreatedAsync(response) : await ErrorOf(response, expected);

        static async Task<string> ExpectCreatedAsync(HttpResponseMessage response)
        {
            using (response)
            {
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.Created, body);
                return body;
            }
        }
    }

    [Fact]
    public async Task A_range_past_the_end_gets_a_json_416()
    {
        await PublishComposerAsync(ComposerCli.PackageZip("acme/ranged", version: "1.0.0"), HttpStatusCode.Created);
        var dist = (await _registry.JsonAsync(HttpMethod.Get, "/p2/acme/ranged.json")).GetProperty("packages").GetProperty("acme/ranged")[0].GetProperty("dist").GetProperty("url").GetString()!;
        var request = _registry.Request(HttpMethod.Get, dist);
        request.Headers.Range = new RangeHeaderValue(1_000_000, null);
        Assert.Contains("range", await ErrorOf(await _registry.Client.SendAsync(request), HttpStatusCode.RequestedRangeNotSatisfiable), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_listener_serves_only_its_own_endpoints()
    {
        // The Host header names the metrics port; the connection is the HTTPS listener's.
        var sneaky = _registry.Request(HttpMethod.Get, "/metrics", key: "");
        sneaky.Headers.Host = $"127.0.0.1:{_registry.MetricsPort}";
        Assert.Contains("metrics listener", await ErrorOf(await _registry.Client.SendAsync(sneaky), HttpStatusCode.NotFound), StringComparison.Ordinal);
        using var plain = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_registry.HttpPort}") };
        Assert.Equal(HttpStatusCode.NotFound, (await plain.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await plain.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await plain.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await plain.GetAsync("/health/live")).StatusCode);

        using var metrics = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_registry.MetricsPort}") };
        Assert.Equal(HttpStatusCode.OK, (await metrics.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await metrics.GetAsync("/health/ready")).StatusCode);
        Assert.Equal("healthy", JsonDocument.Parse(await metrics.GetStringAsync("/health")).RootElement.GetProperty("status").GetString());
        foreach (var path in new[] { "/api/v1/namespaces", "/dashboard/", "/p2/acme/x.json", "/.well-known/terraform.json" })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _registry.AdminKey);
            Assert.Contains("metrics listener", await ErrorOf(await metrics.SendAsync(request), HttpStatusCode.NotFound), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Hosts_outside_the_allowed_ones_get_a_json_400_but_probes_do_not()
    {
        var request = _registry.Request(HttpMethod.Get, "/packages.json");
        request.Headers.Host = "evil.example";
        Assert.Contains("REGISTRY_ALLOWED_HOSTS", await ErrorOf(await _registry.Client.SendAsync(request), HttpStatusCode.BadRequest), StringComparison.Ordinal);

        var probe = _registry.Request(HttpMethod.Get, "/health/ready", key: "");
        probe.Headers.Host = "10.1.2.3:8080";
        Assert.Equal(HttpStatusCode.OK, (await _registry.Client.SendAsync(probe)).StatusCode);

        var allowed = _registry.Request(HttpMethod.Get, "/packages.json");
        allowed.Headers.Host = "registry.acme.test";
        Assert.Equal(HttpStatusCode.OK, (await _registry.Client.SendAsync(allowed)).StatusCode);
    }

    [Fact]
    public async Task Requests_kestrel_itself_refuses_get_its_empty_400_and_an_empty_host_is_not_an_allowed_one()
    {
        // Kestrel answers these before the application (documented in the README): no JSON, but never a 500.
        foreach (var raw in new[] { "GET /p2/acme/o%00ne.json HTTP/1.1\r\nHost: 127.0.0.1\r\n", "GET /packages.json HTTP/1.1\r\nHost: a b\r\n" })
        {
            Assert.StartsWith("HTTP/1.1 400", await RawAsync(raw), StringComparison.Ordinal);
        }

        var answer = await RawAsync($"GET /packages.json HTTP/1.1\r\nHost: \r\nAuthorization: Bearer {_registry.AdminKey}\r\n");
        Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
        Assert.Contains("REGISTRY_ALLOWED_HOSTS", answer, StringComparison.Ordinal);
    }

    private async Task<string> RawAsync(string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", _registry.HttpPort);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request + "Connection: close\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadToEndAsync();
    }
}
