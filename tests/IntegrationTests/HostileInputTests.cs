using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OrleansRegistry.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace OrleansRegistry.IntegrationTests;

/// <summary>
/// A sweep of hostile input over every endpoint: malformed JSON bodies and multipart forms, odd path segments, queries,
/// credentials and conditional/range headers. None may get a 5xx, and every error is the JSON shape. Prints how many
/// requests were tried and what they got.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class HostileInputTests(PostgresServer postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] Bodies =
    [
        "", "null", "[]", "{}", "1", "\"x\"", "true", "{\"name\":", "{\"name\":null}", "{\"name\":1}", "{\"name\":[]}", "{\"name\":{}}",
        "{\"name\":\"k\",\"scopes\":[null]}", "{\"name\":\"k\",\"scopes\":[1]}", "{\"name\":\"k\",\"scopes\":[\"admin\"],\"namespaces\":[{}]}",
        "{\"name\":\"k\",\"scopes\":[\"admin\"],\"expires_at\":\"soon\"}", "{\"name\":\"k\",\"scopes\":[\"admin\"],\"rate_limit_per_hour\":1e99}",
        "{\"reason\":1}", "{\"reason\":null,\"link\":\"javascript:alert(1)\"}", "{\"replacement\":\"../x\"}", "{\"downloads\":[null,1,\"x\",{}]}",
        "{\"kind\":null}", "{\"kind\":\"composer-repository\",\"name\":\"x\",\"upstream_url\":\"https://x\",\"packages\":[\"*\"],\"mode\":\"eager\"}",
        "{\"kind\":\"terraform-providers\",\"name\":\"x\",\"upstream_url\":\"file:///etc\",\"providers\":[null]}",
        "{\"ascii_armor\":\"-----BEGIN PGP PUBLIC KEY BLOCK-----\\n\\nnot a key\\n-----END PGP PUBLIC KEY BLOCK-----\"}",
        new string('[', 5000) + new string(']', 5000), "{\"name\":\"" + new string('x', 200_000) + "\"}",
    ];

    private static readonly string[] Segments = ["..", "%2e%2e", "a%2Fb", "%FF", "%C3%BC", "CON", "a%20b", "-", "_", "x.json", "x~dev.json", new string('a', 300), "0"];

    private RegistryInstance _registry = null!;
    private readonly Dictionary<int, int> _statuses = [];
    private readonly List<string> _failures = [];
    private int _tried;

    public async Task InitializeAsync()
    {
        _registry = await RegistryInstance.StartAsync(await postgres.CreateDatabaseAsync(), settings: new Dictionary<string, string?> { ["Registry:RateLimit:DefaultPerHour"] = "0" });
        await _registry.CreateNamespaceAsync("acme");
        using var published = await _registry.PublishComposerAsync(ComposerCli.PackageZip("acme/real", version: "1.0.0"));
        Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        using var module = await _registry.PublishModuleAsync("acme", "real", "aws", "1.0.0", ModuleArchives.Greeting("1.0.0"));
        Assert.Equal(HttpStatusCode.Created, module.StatusCode);
    }

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    private async Task TryAsync(HttpRequestMessage request)
    {
        _tried++;
        var sent = request.Content is StringContent text ? await text.ReadAsStringAsync() : "";
        var what = $"{request.Method} {request.RequestUri} {sent[..Math.Min(120, sent.Length)]}";
        using (request)
        using (var response = await _registry.Client.SendAsync(request))
        {
            var status = (int)response.StatusCode;
            _statuses[status] = _statuses.GetValueOrDefault(status) + 1;
            var body = await response.Content.ReadAsStringAsync();
            if (status >= 500)
            {
                _failures.Add($"{what}: {status} {body[..Math.Min(200, body.Length)]}");
            }
            else if (status >= 400 && status != 414 && status != 431 && request.Method != HttpMethod.Head && !IsJsonError(body))
            {
                _failures.Add($"{what}: {status} without the JSON error shape: '{body[..Math.Min(100, body.Length)]}'");
            }
        }
    }

    private static bool IsJsonError(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("error", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private HttpRequestMessage Request(HttpMethod method, string path, HttpContent? content = null, string? key = null) => _registry.Request(method, path, key, content);

    [Fact]
    public async Task No_hostile_input_gets_a_5xx_and_every_error_is_json()
    {
        var keyId = (await _registry.JsonAsync(HttpMethod.Post, "/api/v1/apikeys", new { name = "victim", scopes = new[] { "packages:read" } }, expectedStatus: 201)).GetProperty("id").GetString();
        string[] jsonEndpoints =
        [
            "POST /api/v1/apikeys", $"PUT /api/v1/apikeys/{keyId}", "PUT /api/v1/apikeys/nosuchkey", "POST /api/v1/namespaces", "POST /api/v1/mirrors",
            "PUT /api/v1/mirrors/nosuch", "POST /api/v1/modules/acme/real/aws/versions/1.0.0/deprecate", "POST /api/v1/providers/acme/real/versions/1.0.0/deprecate",
            "POST /api/v1/composer/packages/acme/real/abandon", "POST /downloads", "POST /api/v1/namespaces/acme/gpg-keys", "POST /api/v1/webhooks/nosuch",
        ];
        foreach (var endpoint in jsonEndpoints)
        {
            var (method, path) = (new HttpMethod(endpoint.Split(' ')[0]), endpoint.Split(' ')[1]);
            foreach (var body in Bodies)
            {
                await TryAsync(Request(method, path, new StringContent(body, Encoding.UTF8, "application/json")));
            }

            await TryAsync(Request(method, path, new ByteArrayContent([0xC3, 0x28, 0xFF, 0xFE]) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } }));
            await TryAsync(Request(method, path, new StringContent("{}", Encoding.UTF8, "text/plain")));
        }

        foreach (var upload in new[] { "/api/v1/modules", "/api/v1/providers", "/api/v1/composer/packages" })
        {
            foreach (var form in HostileForms())
            {
                await TryAsync(Request(HttpMethod.Post, upload, form));
            }
        }

        string[] paths =
        [
            "/p2/{0}/{1}", "/dists/acme/{0}/{1}/x.zip", "/dists/acme/real/{0}/{1}", "/v1/modules/{0}/{1}/aws/versions", "/v1/modules/acme/real/aws/{0}/download",
            "/v1/providers/{0}/{1}/versions", "/v1/providers/acme/real/{0}/download/{1}/amd64", "/terraform/providers/{0}/acme/{1}/index.json",
            "/terraform/providers/registry.acme.test/acme/real/{0}", "/api/v1/namespaces/{0}", "/api/v1/apikeys/{0}", "/api/v1/mirrors/{0}",
            "/api/v1/mirrors/{0}/history", "/api/v1/composer/packages/{0}/{1}", "/api/v1/providers/{0}/{1}", "/files/{0}/{1}?exp=1&sig=x",
            "/v1/modules/{0}/{1}", "/v1/modules/{0}", "/api/v1/namespaces/{0}/gpg-keys",
        ];
        foreach (var path in paths)
        {
            foreach (var segment in Segments)
            {
                await TryAsync(Request(HttpMethod.Get, string.Format(System.Globalization.CultureInfo.InvariantCulture, path, segment, segment)));
            }
        }

        foreach (var segment in Segments)
        {
            await TryAsync(Request(HttpMethod.Delete, $"/api/v1/modules/acme/real/aws/versions/{segment}"));
            await TryAsync(Request(HttpMethod.Delete, $"/api/v1/composer/packages/acme/real/versions/{segment}"));
            await TryAsync(Request(HttpMethod.Delete, $"/api/v1/providers/acme/real/versions/{segment}"));
            await TryAsync(Request(HttpMethod.Delete, $"/api/v1/namespaces/acme/gpg-keys/{segment}"));
        }

        foreach (var query in new[] { "offset=-1", "offset=x", "limit=0", "limit=100000", "limit=1e3", "offset=99999999999", "q=%00", "q=" + new string('%', 3) })
        {
            foreach (var path in new[] { "/v1/modules", "/v1/modules/search", "/v1/providers", "/api/v1/namespaces", "/api/v1/apikeys", "/api/v1/audit", "/search.json", "/packages/list.json" })
            {
                await TryAsync(Request(HttpMethod.Get, $"{path}?{query}"));
            }
        }

        foreach (var audit in new[] { "before_id=x", "before_id=-5", "limit=-1", "target=%00" })
        {
            await TryAsync(Request(HttpMethod.Get, $"/api/v1/audit?{audit}"));
        }

        foreach (var credentials in new[] { "Bearer", "Bearer ", "Bearer x", "Basic !!!", "Basic " + Convert.ToBase64String("token"u8), "Basic " + Convert.ToBase64String("token:"u8), "Bearer reg_" + new string('a', 5000), "Digest x" })
        {
            var request = Request(HttpMethod.Get, "/p2/acme/real.json", key: "");
            request.Headers.TryAddWithoutValidation("Authorization", credentials);
            await TryAsync(request);
        }

        var distUrl = (await _registry.JsonAsync(HttpMethod.Get, "/p2/acme/real.json")).GetProperty("packages").GetProperty("acme/real")[0].GetProperty("dist").GetProperty("url").GetString()!;
        foreach (var (header, value) in new[] { ("If-Modified-Since", "yesterday"), ("If-None-Match", "\"unterminated"), ("If-None-Match", "*, ,"), ("Range", "bytes=abc"), ("Range", "bytes=5-1"), ("Range", "bytes=-0"), ("Range", "bytes=999999-") })
        {
            foreach (var path in new[] { "/p2/acme/real.json", "/packages.json", "/v1/modules/acme/real/aws/versions", distUrl })
            {
                var request = Request(HttpMethod.Get, path);
                request.Headers.TryAddWithoutValidation(header, value);
                await TryAsync(request);
            }
        }

        await TryAsync(Request(HttpMethod.Get, "/" + new string('a', 10_000)));

        var report = $"hostile inputs tried: {_tried}; answers: {string.Join(", ", _statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}; 5xx: {_statuses.Where(s => s.Key >= 500).Sum(s => s.Value)}";
        output.WriteLine(report);
        await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "registry-hostile-inputs.txt"), report + "\n");
        Assert.True(_failures.Count == 0, $"{report}\n{string.Join('\n', _failures)}");
    }

    [Fact]
    public async Task A_request_without_a_host_still_gets_links_that_work()
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync("127.0.0.1", _registry.HttpPort);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /p2/acme/real.json HTTP/1.1\r\nHost: \r\nAuthorization: Bearer {_registry.AdminKey}\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var answer = await reader.ReadToEndAsync();
        Assert.StartsWith("HTTP/1.1 200", answer, StringComparison.Ordinal);
        Assert.Contains($"\"url\":\"http://127.0.0.1:{_registry.HttpPort}/dists/acme/real/", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Endless_host_headers_do_not_grow_the_document_cache()
    {
        var cache = _registry.Services.GetRequiredService<OrleansRegistry.WebFrontend.Caching.DocumentCache>();
        for (var i = 0; i < 1000; i++)
        {
            var request = Request(HttpMethod.Get, "/p2/acme/real.json");
            request.Headers.Host = $"h{i}.example";
            using var response = await _registry.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.True(cache.Count <= OrleansRegistry.WebFrontend.Caching.DocumentCache.MaxDocumentsPerGrain + 8, $"{cache.Count} documents kept after 1000 Host values");
    }

    private static IEnumerable<HttpContent> HostileForms()
    {
        yield return new StringContent("", Encoding.UTF8, "multipart/form-data");
        yield return new ByteArrayContent("--b\r\n"u8.ToArray()) { Headers = { ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b") } };
        yield return new MultipartFormDataContent { { new StringContent(new string('x', 10_000)), "version" } };
        yield return new MultipartFormDataContent { { new ByteArrayContent([]), "file", "../../etc/passwd.zip" } };
        yield return new MultipartFormDataContent { { new ByteArrayContent([]), "file", "empty.zip" } };
        yield return new MultipartFormDataContent { { new ByteArrayContent("PK\u0003\u0004garbage"u8.ToArray()), "file", "x.zip" }, { new StringContent("acme"), "namespace" } };
        yield return new MultipartFormDataContent
        {
            { new StringContent("acme"), "namespace" }, { new StringContent("x"), "name" }, { new StringContent("aws"), "system" }, { new StringContent("{}"), "version" },
            { new ByteArrayContent(ModuleArchives.Greeting("1")), "file", "m.tar.gz" },
        };
        yield return new MultipartFormDataContent
        {
            { new StringContent("acme"), "namespace" }, { new StringContent("real"), "type" }, { new StringContent("1.0.0"), "version" },
            { new ByteArrayContent([1, 2, 3]), "file", "terraform-provider-real_1.0.0_linux_amd64.zip" },
        };
        yield return new MultipartFormDataContent { { new ByteArrayContent(ComposerZip("{\"name\":1}")), "file", "p.zip" } };
        yield return new MultipartFormDataContent { { new ByteArrayContent(ComposerZip("{\"name\":\"acme/x\",\"version\":{\"a\":1}}")), "file", "p.zip" } };
        yield return new MultipartFormDataContent { { new ByteArrayContent(ComposerZip("{\"name\":\"acme/x\",\"version\":\"1.0.0\",\"require\":[1,2]}")), "file", "p.zip" } };
        yield return new MultipartFormDataContent { { new ByteArrayContent(ComposerZip("{\"name\":\"acme/x\",\"version\":\"dev-a//b\"}")), "file", "p.zip" } };
        yield return new MultipartFormDataContent { { new ByteArrayContent(ComposerZip("[]")), "file", "p.zip" } };
    }

    private static byte[] ComposerZip(string manifest) => ModuleArchives.Zip(new Dictionary<string, string> { ["composer.json"] = manifest });
}
