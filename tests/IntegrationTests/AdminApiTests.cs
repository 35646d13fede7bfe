using System.Net;
using System.Text.Json;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests;

[Collection(PostgresCollection.Name)]
public sealed class AdminApiTests(PostgresServer postgres) : IAsyncLifetime
{
    private RegistryInstance _registry = null!;

    public async Task InitializeAsync() =>
        _registry = await RegistryInstance.StartAsync(await postgres.CreateDatabaseAsync(), settings: new Dictionary<string, string?> { ["Registry:Dashboard"] = "true" });

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    [Fact]
    public async Task Namespaces_are_created_once_and_listed_per_key()
    {
        var created = await _registry.JsonAsync(HttpMethod.Post, "/api/v1/namespaces", new { name = "acme" }, expectedStatus: 201);
        Assert.Equal("acme", created.GetProperty("name").GetString());
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/namespaces", new { name = "acme" }, expectedStatus: 409);
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/namespaces", new { name = "Bad Name!" }, expectedStatus: 400);
        await _registry.CreateNamespaceAsync("globex");

        var limited = await _registry.CreateKeyAsync(["namespaces:read"], ["globex"]);
        var listed = await _registry.JsonAsync(HttpMethod.Get, "/api/v1/namespaces", key: limited);
        Assert.Equal(["globex"], listed.GetProperty("namespaces").EnumerateArray().Select(n => n.GetProperty("name").GetString()));
        await _registry.JsonAsync(HttpMethod.Get, "/api/v1/namespaces/acme", key: limited, expectedStatus: 403);
        await _registry.JsonAsync(HttpMethod.Get, "/api/v1/namespaces/nope", expectedStatus: 404);
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/namespaces", new { name = "initech" }, key: limited, expectedStatus: 403);
    }

    [Fact]
    public async Task Api_keys_are_shown_once_listed_without_secrets_and_revoked_at_once()
    {
        var created = await _registry.JsonAsync(HttpMethod.Post, "/api/v1/apikeys", new { name = "ci", scopes = new[] { "modules:read" }, expires_at = DateTimeOffset.UtcNow.AddDays(1) }, expectedStatus: 201);
        var id = created.GetProperty("id").GetString()!;
        var key = created.GetProperty("key").GetString()!;
        Assert.StartsWith($"reg_{id}_", key, StringComparison.Ordinal);

        var one = await _registry.JsonAsync(HttpMethod.Get, $"/api/v1/apikeys/{id}");
        Assert.False(one.TryGetProperty("key", out _));
        Assert.DoesNotContain(key[^20..], one.GetRawText(), StringComparison.Ordinal);
        var all = await _registry.JsonAsync(HttpMethod.Get, "/api/v1/apikeys");
        Assert.Contains(all.GetProperty("api_keys").EnumerateArray(), k => k.GetProperty("id").GetString() == id);

        await _registry.JsonAsync(HttpMethod.Get, "/v1/modules", key: key);
        await _registry.JsonAsync(HttpMethod.Delete, $"/api/v1/apikeys/{id}");
        var revoked = await _registry.JsonAsync(HttpMethod.Get, "/v1/modules", key: key, expectedStatus: 401);
        Assert.Contains("revoked", revoked.GetProperty("error").GetString(), StringComparison.Ordinal);
        await _registry.JsonAsync(HttpMethod.Delete, "/api/v1/apikeys/doesnotexist", expectedStatus: 404);
    }

    [Fact]
    public async Task An_expired_key_is_refused_with_a_message_that_says_so()
    {
        var created = await _registry.JsonAsync(HttpMethod.Post, "/api/v1/apikeys", new { name = "short", scopes = new[] { "modules:read" }, expires_at = DateTimeOffset.UtcNow.AddSeconds(2) }, expectedStatus: 201);
        var key = created.GetProperty("key").GetString()!;
        await _registry.JsonAsync(HttpMethod.Get, "/v1/modules", key: key);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var expired = await _registry.JsonAsync(HttpMethod.Get, "/v1/modules", key: key, expectedStatus: 401);
        Assert.Contains("expired", expired.GetProperty("error").GetString(), StringComparison.Ordinal);
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/apikeys", new { name = "past", scopes = new[] { "modules:read" }, expires_at = DateTimeOffset.UtcNow.AddMinutes(-1) }, expectedStatus: 400);
    }

    [Fact]
    public async Task Rate_limits_are_counted_per_key_with_headers_and_429()
    {
        await _registry.CreateNamespaceAsync("limited");
        using (var r = await _registry.PublishModuleAsync("limited", "m", "aws", "1.0.0", ModuleArchives.Greeting("1.0.0")))
        {
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        }

        var created = await _registry.JsonAsync(HttpMethod.Post, "/api/v1/apikeys", new { name = "ci", scopes = new[] { "modules:read" }, rate_limit_per_hour = 3 }, expectedStatus: 201);
        var key = created.GetProperty("key").GetString()!;
        Assert.Equal(3, created.GetProperty("rate_limit_per_hour").GetInt32());
        for (var remaining = 2; remaining >= 0; remaining--)
        {
            using var ok = await _registry.SendAsync(HttpMethod.Get, "/v1/modules/limited/m/aws/versions", key);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("3", ok.Headers.GetValues("X-RateLimit-Limit").Single());
            Assert.Equal($"{remaining}", ok.Headers.GetValues("X-RateLimit-Remaining").Single());
            var reset = long.Parse(ok.Headers.GetValues("X-RateLimit-Reset").Single(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(reset - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 3500, 3601);
        }

        using (var refused = await _registry.SendAsync(HttpMethod.Get, "/v1/modules/limited/m/aws/versions", key))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 3500, 3601);
            Assert.Equal("0", refused.Headers.GetValues("X-RateLimit-Remaining").Single());
            Assert.Contains("rate limit of 3", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Raising the limit takes effect at once; 0 means unlimited (and then no rate-limit headers).
        var id = created.GetProperty("id").GetString();
        await _registry.JsonAsync(HttpMethod.Put, $"/api/v1/apikeys/{id}", new { rate_limit_per_hour = 0 });
        using (var unlimited = await _registry.SendAsync(HttpMethod.Get, "/v1/modules/limited/m/aws/versions", key))
        {
            Assert.Equal(HttpStatusCode.OK, unlimited.StatusCode);
            Assert.False(unlimited.Headers.Contains("X-RateLimit-Limit"));
        }

        await _registry.JsonAsync(HttpMethod.Put, $"/api/v1/apikeys/{id}", new { rate_limit_per_hour = -1 }, expectedStatus: 400);
        await _registry.JsonAsync(HttpMethod.Put, $"/api/v1/apikeys/{id}", new { }, expectedStatus: 400);
        await _registry.JsonAsync(HttpMethod.Put, "/api/v1/apikeys/nosuchkey", new { rate_limit_per_hour = 5 }, expectedStatus: 404);
        var listed = await _registry.JsonAsync(HttpMethod.Get, "/api/v1/apikeys");
        Assert.Equal(0, listed.GetProperty("api_keys").EnumerateArray().Single(k => k.GetProperty("id").GetString() == id).GetProperty("rate_limit_per_hour").GetInt32());
    }

    [Fact]
    public async Task Scopes_are_enforced_on_reads_and_writes()
    {
        await _registry.CreateNamespaceAsync("scoped");
        var reader = await _registry.CreateKeyAsync(["modules:read"]);
        using var publish = await _registry.PublishModuleAsync("scoped", "m", "aws", "1.0.0", ModuleArchives.Greeting("1.0.0"), key: reader);
        Assert.Equal(HttpStatusCode.Forbidden, publish.StatusCode);
        await _registry.JsonAsync(HttpMethod.Get, "/api/v1/apikeys", key: reader, expectedStatus: 403);
        var noModules = await _registry.CreateKeyAsync(["namespaces:read"]);
        await _registry.JsonAsync(HttpMethod.Get, "/v1/modules", key: noModules, expectedStatus: 403);
        await _registry.JsonAsync(HttpMethod.Get, "/v1/modules", key: "", expectedStatus: 401);
        await _registry.JsonAsync(HttpMethod.Get, "/v1/modules", key: "reg_nosuchkey_AAAAAAAAAAAAAAAAAAAAAAAA", expectedStatus: 401);
        var manager = await _registry.CreateKeyAsync(["api_keys:manage", "modules:read"]);
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/apikeys", new { name = "x", scopes = new[] { "admin" } }, key: manager, expectedStatus: 403);
    }

    [Fact]
    public async Task Listing_search_paging_deprecation_and_delete()
    {
        await _registry.CreateNamespaceAsync("list");
        foreach (var name in new[] { "alpha", "beta", "gamma" })
        {
            using var r = await _registry.PublishModuleAsync("list", name, "aws", "1.0.0", ModuleArchives.Greeting("1.0.0"));
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        }

        using (var r = await _registry.PublishModuleAsync("list", "alpha", "aws", "1.1.0", ModuleArchives.Greeting("1.1.0")))
        {
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        }

        var page = await _registry.JsonAsync(HttpMethod.Get, "/v1/modules/list?limit=2");
        Assert.Equal(2, page.GetProperty("modules").GetArrayLength());
        Assert.Equal(2, page.GetProperty("meta").GetProperty("next_offset").GetInt32());
        var rest = await _registry.JsonAsync(HttpMethod.Get, "/v1/modules/list?limit=2&offset=2");
        Assert.Equal(1, rest.GetProperty("modules").GetArrayLength());
        Assert.False(rest.GetProperty("meta").TryGetProperty("next_offset", out _));

        var search = await _registry.JsonAsync(HttpMethod.Get, "/v1/modules/search?q=alp");
        var hit = Assert.Single(search.GetProperty("modules").EnumerateArray());
        Assert.Equal("list/alpha/aws/1.1.0", hit.GetProperty("id").GetString());
        await _registry.JsonAsync(HttpMethod.Get, "/v1/modules/search", expectedStatus: 400);
        await _registry.JsonAsync(HttpMethod.Get, "/v1/modules/list?limit=1000", expectedStatus: 400);

        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/modules/list/alpha/aws/versions/1.0.0/deprecate", new { reason = "use 1.1.0" }, expectedStatus: 204);
        var versions = await _registry.JsonAsync(HttpMethod.Get, "/v1/modules/list/alpha/aws/versions");
        var old = versions.GetProperty("modules")[0].GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("version").GetString() == "1.0.0");
        Assert.Equal("use 1.1.0", old.GetProperty("deprecation").GetProperty("reason").GetString());
        await _registry.JsonAsync(HttpMethod.Delete, "/api/v1/modules/list/alpha/aws/versions/1.0.0/deprecate", expectedStatus: 204);

        await _registry.JsonAsync(HttpMethod.Delete, "/api/v1/modules/list/beta/aws/versions/1.0.0", expectedStatus: 204);
        await _registry.JsonAsync(HttpMethod.Get, "/v1/modules/list/beta/aws/versions", expectedStatus: 404);
        await _registry.JsonAsync(HttpMethod.Delete, "/api/v1/modules/list/beta/aws/versions/1.0.0", expectedStatus: 404);
        var after = await _registry.JsonAsync(HttpMethod.Get, "/v1/modules/list");
        Assert.DoesNotContain(after.GetProperty("modules").EnumerateArray(), m => m.GetProperty("name").GetString() == "beta");
    }

    [Fact]
    public async Task Audit_log_records_changes_and_limited_managers_see_only_their_keys()
    {
        await _registry.CreateNamespaceAsync("audited");
        using (var r = await _registry.PublishModuleAsync("audited", "m", "aws", "1.0.0", ModuleArchives.Greeting("1.0.0")))
        {
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        }

        var audit = await _registry.JsonAsync(HttpMethod.Get, "/api/v1/audit?target=audited/m/aws");
        var entry = Assert.Single(audit.GetProperty("entries").EnumerateArray());
        Assert.Equal("module.publish", entry.GetProperty("action").GetString());
        Assert.Equal("audited/m/aws@1.0.0", entry.GetProperty("target").GetString());
        await _registry.JsonAsync(HttpMethod.Get, "/api/v1/audit?limit=0", expectedStatus: 400);
        var noAudit = await _registry.CreateKeyAsync(["modules:read"]);
        await _registry.JsonAsync(HttpMethod.Get, "/api/v1/audit", key: noAudit, expectedStatus: 403);

        var globexManager = await _registry.CreateKeyAsync(["api_keys:manage", "modules:read"], ["globex"]);
        var listed = await _registry.JsonAsync(HttpMethod.Get, "/api/v1/apikeys", key: globexManager);
        Assert.All(listed.GetProperty("api_keys").EnumerateArray(), k => Assert.Equal("globex", k.GetProperty("namespaces")[0].GetString()));
        var adminId = _registry.AdminKey.Split('_')[1];
        await _registry.JsonAsync(HttpMethod.Get, $"/api/v1/apikeys/{adminId}", key: globexManager, expectedStatus: 403);
        await _registry.JsonAsync(HttpMethod.Delete, $"/api/v1/apikeys/{adminId}", key: globexManager, expectedStatus: 403);
    }

    [Fact]
    public async Task Versions_document_answers_conditional_requests_with_304()
    {
        await _registry.CreateNamespaceAsync("cond");
        using (var r = await _registry.PublishModuleAsync("cond", "m", "aws", "1.0.0", ModuleArchives.Greeting("1.0.0")))
        {
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        }

        for (var i = 0; i < 2; i++)
        {
            using var download = await _registry.SendAsync(HttpMethod.Get, "/v1/modules/cond/m/aws/1.0.0/download");
            Assert.Equal(HttpStatusCode.NoContent, download.StatusCode);
        }

        Assert.Equal(2, (await _registry.JsonAsync(HttpMethod.Get, "/v1/modules/cond/m/aws")).GetProperty("downloads").GetInt64());
        using var first = await _registry.SendAsync(HttpMethod.Get, "/v1/modules/cond/m/aws/versions");
        var request = _registry.Request(HttpMethod.Get, "/v1/modules/cond/m/aws/versions");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var second = await _registry.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Metrics_health_discovery_and_dashboard()
    {
        var discovery = await _registry.JsonAsync(HttpMethod.Get, "/.well-known/terraform.json", key: "");
        Assert.Equal("/v1/modules/", discovery.GetProperty("modules.v1").GetString());
        await _registry.JsonAsync(HttpMethod.Get, "/health/live", key: "");
        await _registry.JsonAsync(HttpMethod.Get, "/health/ready", key: "");

        using var metricsClient = new HttpClient();
        var metrics = await metricsClient.GetStringAsync($"http://127.0.0.1:{_registry.MetricsPort}/metrics");
        Assert.Contains("http_requests_total{method=\"GET\",route=\"/.well-known/terraform.json\",status=\"200\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("http_request_duration_seconds_bucket", metrics, StringComparison.Ordinal);
        Assert.Contains("orleans", metrics, StringComparison.Ordinal);
        // GC figures come from the runtime's meters (event counters are not exported; the benchmark reads these).
        Assert.Contains("system_runtime_dotnet_gc_collections{", metrics, StringComparison.Ordinal);
        Assert.Contains("system_runtime_dotnet_gc_pause_time ", metrics, StringComparison.Ordinal);

        using var anonymous = await _registry.SendAsync(HttpMethod.Get, "/dashboard/", key: "");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("Basic", anonymous.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        var reader = await _registry.CreateKeyAsync(["modules:read"]);
        using var notAdmin = await _registry.SendAsync(HttpMethod.Get, "/dashboard/", key: reader);
        Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);
        using var admin = await _registry.SendAsync(HttpMethod.Get, "/dashboard/");
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);

        var openApi = await _registry.JsonAsync(HttpMethod.Get, "/api/v1/openapi.json", key: "");
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/api/v1/modules", out _));
    }
}
