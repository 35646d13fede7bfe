using System.Text;
using Npgsql;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests;

/// <summary>The mirrors admin API: validation with named fields, scopes and namespaces, updates, deletion, secrets at rest.</summary>
[Collection(PostgresCollection.Name)]
public sealed class MirrorsApiTests(PostgresServer postgres) : IAsyncLifetime
{
    private string _database = null!;
    private RegistryInstance _registry = null!;

    public async Task InitializeAsync()
    {
        _database = await postgres.CreateDatabaseAsync();
        _registry = await RegistryInstance.StartAsync(_database, settings: new Dictionary<string, string?> { ["Mirrors:FirstSyncDelay"] = "01:00:00" });
    }

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    private static object Mirror(string name, string[]? providers = null, string? upstreamToken = null) => new
    {
        kind = "terraform-providers",
        name,
        upstream_url = "https://registry.terraform.io",
        providers = providers ?? ["hashicorp/null"],
        versions = "latest:3",
        platforms = new[] { "linux_amd64" },
        upstream_token = upstreamToken,
    };

    [Theory]
    [InlineData("""{"kind":"npm","name":"x","upstream_url":"https://r.test","providers":["a/b"]}""", "'kind'")]
    [InlineData("""{"kind":"terraform-providers","name":"x","upstream_url":"ftp://r.test","providers":["a/b"]}""", "'upstream_url'")]
    [InlineData("""{"kind":"terraform-providers","name":"x","upstream_url":"http://r.test","providers":["a/b"]}""", "allow_insecure")]
    [InlineData("""{"kind":"terraform-providers","name":"x","upstream_url":"https://r.test","providers":["a"]}""", "'providers'")]
    [InlineData("""{"kind":"terraform-providers","name":"x","upstream_url":"https://r.test","providers":["a/b"],"versions":">= x"}""", "'versions'")]
    [InlineData("""{"kind":"terraform-providers","name":"x","upstream_url":"https://r.test","providers":["a/b"],"platforms":["amiga_m68k"]}""", "'platforms'")]
    [InlineData("""{"kind":"terraform-providers","name":"x","upstream_url":"https://r.test","providers":["a/b"],"interval_minutes":0.5}""", "invalid JSON")]
    [InlineData("""{"kind":"terraform-providers","name":"x","upstream_url":"https://r.test","providers":"a/b"}""", "invalid JSON")]
    [InlineData("""[1,2]""", "invalid JSON")]
    public async Task Invalid_settings_are_refused_with_the_field_named(string body, string expected)
    {
        using var response = await _registry.SendAsync(HttpMethod.Post, "/api/v1/mirrors", content: new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 400, text);
        Assert.Contains(expected, text, StringComparison.Ordinal);
        Assert.Empty((await _registry.JsonAsync(HttpMethod.Get, "/api/v1/mirrors")).GetProperty("mirrors").EnumerateArray());
    }

    [Fact]
    public async Task Mirrors_are_created_listed_updated_and_deleted_with_their_scopes_and_namespaces()
    {
        var created = await _registry.JsonAsync(HttpMethod.Post, "/api/v1/mirrors", Mirror("public", upstreamToken: "upstream-secret-token"), expectedStatus: 201);
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal("registry.terraform.io", created.GetProperty("hostname").GetString());
        Assert.Equal(60, created.GetProperty("interval_minutes").GetInt32());
        Assert.True(created.GetProperty("has_credentials").GetBoolean());
        Assert.True(created.TryGetProperty("next_sync_at", out _));
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/mirrors", Mirror("PUBLIC"), expectedStatus: 409);

        // Partial update: what is not sent is kept; an empty token removes it.
        var updated = await _registry.JsonAsync(HttpMethod.Put, $"/api/v1/mirrors/{id}", new { interval_minutes = 15, upstream_token = "" });
        Assert.Equal(15, updated.GetProperty("interval_minutes").GetInt32());
        Assert.Equal("latest:3", updated.GetProperty("versions").GetString());
        Assert.False(updated.GetProperty("has_credentials").GetBoolean());
        await _registry.JsonAsync(HttpMethod.Put, $"/api/v1/mirrors/{id}", new { platforms = new[] { "bad" } }, expectedStatus: 400);
        await _registry.JsonAsync(HttpMethod.Put, $"/api/v1/mirrors/{id}", new { upstream_token = "rotated-secret-token" });

        // Scopes: reading needs mirrors:read, changing needs mirrors:manage; a namespace-limited key sees only its namespaces.
        var reader = await _registry.CreateKeyAsync(["mirrors:read"]);
        await _registry.JsonAsync(HttpMethod.Get, $"/api/v1/mirrors/{id}", key: reader);
        await _registry.JsonAsync(HttpMethod.Get, $"/api/v1/mirrors/{id}/history", key: reader);
        await _registry.JsonAsync(HttpMethod.Post, $"/api/v1/mirrors/{id}/sync", key: reader, expectedStatus: 403);
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/mirrors", Mirror("other"), key: reader, expectedStatus: 403);
        var providersOnly = await _registry.CreateKeyAsync(["providers:write"]);
        await _registry.JsonAsync(HttpMethod.Get, "/api/v1/mirrors", key: providersOnly, expectedStatus: 403);
        await _registry.JsonAsync(HttpMethod.Get, "/api/v1/mirrors", key: "", expectedStatus: 401);

        var acmeManager = await _registry.CreateKeyAsync(["mirrors:manage"], ["acme"]);
        await _registry.JsonAsync(HttpMethod.Get, $"/api/v1/mirrors/{id}", key: acmeManager, expectedStatus: 403);
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/mirrors", Mirror("mixed", ["acme/x", "hashicorp/y"]), key: acmeManager, expectedStatus: 403);
        var acme = await _registry.JsonAsync(HttpMethod.Post, "/api/v1/mirrors", Mirror("acme", ["acme/*"]), key: acmeManager, expectedStatus: 201);
        var listed = await _registry.JsonAsync(HttpMethod.Get, "/api/v1/mirrors", key: acmeManager);
        Assert.Equal(["acme"], listed.GetProperty("mirrors").EnumerateArray().Select(m => m.GetProperty("name").GetString()));
        Assert.Equal(2, (await _registry.JsonAsync(HttpMethod.Get, "/api/v1/mirrors")).GetProperty("mirrors").GetArrayLength());

        // The upstream token is stored encrypted: neither it nor its rotation appears in grain state or in the API.
        await using (var db = NpgsqlDataSource.Create(postgres.ConnectionString(_database)))
        await using (var command = db.CreateCommand("SELECT string_agg(coalesce(payloadjson, convert_from(payloadbinary, 'UTF8')), '') FROM orleansstorage"))
        {
            var state = (string)(await command.ExecuteScalarAsync())!;
            Assert.Contains("Credentials", state, StringComparison.Ordinal);
            Assert.DoesNotContain("secret-token", state, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("secret-token", (await _registry.JsonAsync(HttpMethod.Get, $"/api/v1/mirrors/{id}")).ToString(), StringComparison.Ordinal);

        var audit = await _registry.JsonAsync(HttpMethod.Get, $"/api/v1/audit?target={id}");
        Assert.Contains("mirror.update", audit.ToString(), StringComparison.Ordinal);

        await _registry.JsonAsync(HttpMethod.Delete, $"/api/v1/mirrors/{acme.GetProperty("id").GetString()}", key: acmeManager, expectedStatus: 204);
        await _registry.JsonAsync(HttpMethod.Delete, $"/api/v1/mirrors/{id}", expectedStatus: 204);
        await _registry.JsonAsync(HttpMethod.Get, $"/api/v1/mirrors/{id}", expectedStatus: 404);
        await _registry.JsonAsync(HttpMethod.Post, $"/api/v1/mirrors/{id}/sync", expectedStatus: 404);
        await _registry.JsonAsync(HttpMethod.Get, "/api/v1/mirrors/NOT..AN..ID/history", expectedStatus: 404);
        Assert.Empty((await _registry.JsonAsync(HttpMethod.Get, "/api/v1/mirrors")).GetProperty("mirrors").EnumerateArray());
    }
}
