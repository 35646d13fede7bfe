using System.Net;
using System.Text.Json;
using Npgsql;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests;

/// <summary>
/// The registry with its PostgreSQL stopped under it (a server of this test's own): writes answer 503 with Retry-After
/// and leave nothing visible or stored, reads of what grains hold keep working, health says "degraded" while readiness
/// holds, and once the database is back the same requests succeed without a restart. Follow-ups (read model, audit)
/// that fail after an acknowledged write are retried until they are stored.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DatabaseOutageTests : IAsyncLifetime
{
    private readonly PostgresServer _postgres = new();
    private string _database = "";
    private RegistryInstance _registry = null!;

    public async Task InitializeAsync()
    {
        await _postgres.InitializeAsync();
        _database = await _postgres.CreateDatabaseAsync();
        _registry = await RegistryInstance.StartAsync(_database);
        await _registry.CreateNamespaceAsync("acme");
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    private static async Task<string> ExpectAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {expected}, got {(int)response.StatusCode} {body}");
            return body;
        }
    }

    /// <summary>A 503 that says the database is down and when to come back.</summary>
    private static async Task ExpectDatabaseDownAsync(HttpResponseMessage response)
    {
        var retryAfter = response.Headers.RetryAfter;
        var body = await ExpectAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(retryAfter);
        Assert.Contains("database", JsonDocument.Parse(body).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    private string[] StoredArtifacts() =>
        [.. Directory.GetFiles(Path.Combine(_registry.DataDir, "artifacts"), "*", SearchOption.AllDirectories).Where(f => !f.Contains("/health/", StringComparison.Ordinal)).Order()];

    [Fact]
    public async Task An_outage_answers_503_serves_what_grains_hold_leaves_nothing_behind_and_heals()
    {
        var one110 = ComposerCli.PackageZip("acme/one", new Dictionary<string, string> { ["php"] = ">=8.1" }, version: "1.1.0");
        var two = ComposerCli.PackageZip("acme/two", version: "1.0.0");
        await ExpectAsync(await _registry.PublishComposerAsync(ComposerCli.PackageZip("acme/one", version: "1.0.0")), HttpStatusCode.Created);
        await ExpectAsync(await _registry.PublishModuleAsync("acme", "net", "aws", "1.0.0", ModuleArchives.Greeting("1.0.0")), HttpStatusCode.Created);
        await _registry.JsonAsync(HttpMethod.Get, "/p2/acme/one.json");
        await _registry.JsonAsync(HttpMethod.Get, "/v1/modules/acme/net/aws/versions");
        var stored = StoredArtifacts();

        await _postgres.StopAsync();
        try
        {
            await ExpectDatabaseDownAsync(await _registry.PublishComposerAsync(one110));
            await ExpectDatabaseDownAsync(await _registry.PublishComposerAsync(two));
            await ExpectDatabaseDownAsync(await _registry.PublishModuleAsync("acme", "net", "aws", "1.1.0", ModuleArchives.Greeting("1.1.0")));
            await ExpectDatabaseDownAsync(await _registry.SendAsync(HttpMethod.Post, "/api/v1/apikeys", content: System.Net.Http.Json.JsonContent.Create(new { name = "k", scopes = new[] { "packages:read" } })));
            await ExpectDatabaseDownAsync(await _registry.SendAsync(HttpMethod.Post, "/api/v1/namespaces", content: System.Net.Http.Json.JsonContent.Create(new { name = "globex" })));
            await ExpectDatabaseDownAsync(await _registry.SendAsync(HttpMethod.Get, "/api/v1/namespaces"));

            // What the grains hold is served, and nothing of the failed writes is.
            Assert.DoesNotContain("1.1.0", await ExpectAsync(await _registry.SendAsync(HttpMethod.Get, "/p2/acme/one.json"), HttpStatusCode.OK), StringComparison.Ordinal);
            Assert.DoesNotContain("1.1.0", await ExpectAsync(await _registry.SendAsync(HttpMethod.Get, "/v1/modules/acme/net/aws/versions"), HttpStatusCode.OK), StringComparison.Ordinal);
            await ExpectAsync(await _registry.SendAsync(HttpMethod.Get, "/v1/modules/acme/net/aws/1.0.0/download"), HttpStatusCode.NoContent);
            Assert.Equal(stored, StoredArtifacts());

            // Degraded, not unready: a load balancer keeps sending the reads this frontend can still serve.
            var health = JsonDocument.Parse(await ExpectAsync(await _registry.MetricsClient.GetAsync("/health"), HttpStatusCode.OK)).RootElement;
            Assert.Equal("degraded", health.GetProperty("status").GetString());
            Assert.Equal("degraded", health.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
            Assert.Equal("healthy", health.GetProperty("checks").GetProperty("cluster").GetProperty("status").GetString());
            await ExpectAsync(await _registry.SendAsync(HttpMethod.Get, "/health/ready", key: ""), HttpStatusCode.OK);
        }
        finally
        {
            await _postgres.StartAsync();
        }

        await WaitUntilAsync(async () =>
            JsonDocument.Parse(await _registry.MetricsClient.GetStringAsync("/health")).RootElement.GetProperty("status").GetString() == "healthy");
        Assert.DoesNotContain("1.1.0", await ExpectAsync(await _registry.SendAsync(HttpMethod.Get, "/p2/acme/one.json"), HttpStatusCode.OK), StringComparison.Ordinal);

        // The same requests succeed now; repeating one whose answer a client lost gets the version it made.
        await ExpectAsync(await _registry.PublishComposerAsync(one110), HttpStatusCode.Created);
        await ExpectAsync(await _registry.PublishComposerAsync(one110), HttpStatusCode.OK);
        await ExpectAsync(await _registry.PublishComposerAsync(ComposerCli.PackageZip("acme/one", new Dictionary<string, string> { ["php"] = ">=8.3" }, version: "1.1.0")), HttpStatusCode.Conflict);
        await ExpectAsync(await _registry.PublishComposerAsync(two), HttpStatusCode.Created);
        await ExpectAsync(await _registry.PublishModuleAsync("acme", "net", "aws", "1.1.0", ModuleArchives.Greeting("1.1.0")), HttpStatusCode.Created);
        await _registry.CreateNamespaceAsync("globex");
        Assert.Contains("acme/two", await ExpectAsync(await _registry.SendAsync(HttpMethod.Get, "/packages.json"), HttpStatusCode.OK), StringComparison.Ordinal);

        // What was acknowledged is stored: it is all there after a restart.
        var dataDir = _registry.DataDir;
        var adminKey = _registry.AdminKey;
        await _registry.DisposeAsync();
        _registry = await RegistryInstance.StartAsync(_database, dataDir, adminKey);
        Assert.Contains("\"1.1.0\"", await ExpectAsync(await _registry.SendAsync(HttpMethod.Get, "/p2/acme/one.json"), HttpStatusCode.OK), StringComparison.Ordinal);
        Assert.Contains("1.1.0", await ExpectAsync(await _registry.SendAsync(HttpMethod.Get, "/v1/modules/acme/net/aws/versions"), HttpStatusCode.OK), StringComparison.Ordinal);
        await _registry.JsonAsync(HttpMethod.Get, "/p2/acme/two.json");
        await _registry.JsonAsync(HttpMethod.Get, "/api/v1/namespaces/globex");
    }

    [Fact]
    public async Task Follow_ups_that_fail_are_retried_until_stored_and_never_fail_the_publish()
    {
        await SqlAsync("ALTER TABLE registry_audit RENAME TO registry_audit_away", "ALTER TABLE registry_composer_packages RENAME TO registry_composer_packages_away");
        try
        {
            await ExpectAsync(await _registry.PublishComposerAsync(ComposerCli.PackageZip("acme/later", version: "1.0.0")), HttpStatusCode.Created);
            await _registry.JsonAsync(HttpMethod.Get, "/p2/acme/later.json");
        }
        finally
        {
            await SqlAsync("ALTER TABLE registry_audit_away RENAME TO registry_audit", "ALTER TABLE registry_composer_packages_away RENAME TO registry_composer_packages");
        }

        // The grain retries (backing off from a second): the audit entry and the listing row arrive, once each.
        await WaitUntilAsync(async () =>
            (await _registry.JsonAsync(HttpMethod.Get, "/api/v1/audit?target=acme/later")).GetProperty("entries").GetArrayLength() > 0
            && (await _registry.JsonAsync(HttpMethod.Get, "/search.json?q=later")).GetProperty("total").GetInt32() == 1);
        var entries = (await _registry.JsonAsync(HttpMethod.Get, "/api/v1/audit?target=acme/later")).GetProperty("entries");
        Assert.Equal("composer.publish", Assert.Single(entries.EnumerateArray()).GetProperty("action").GetString());
    }

    private async Task SqlAsync(params string[] statements)
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        foreach (var statement in statements)
        {
            await using var command = new NpgsqlCommand(statement, connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or Xunit.Sdk.XunitException && DateTime.UtcNow < deadline)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 60 s");
            await Task.Delay(250);
        }
    }
}
