using System.Net;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests;

/// <summary>
/// Two registry nodes on one database, each frontend keeping API key leases and grains' documents for itself. The
/// rate limit is still counted once for the cluster, and revoking a key or publishing a version through one node
/// takes effect on the other at once. Lease and cache durations are five minutes here, so only the grains telling
/// the frontends can explain that.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class FrontendCacheClusterTests(PostgresServer postgres)
{
    private static readonly Dictionary<string, string> LongLived = new()
    {
        ["Registry__ApiKeyLease__Duration"] = "00:05:00",
        ["Registry__DocumentCache__Duration"] = "00:05:00",
    };

    [Fact]
    public async Task Leases_count_one_limit_for_the_cluster_and_revocation_reaches_every_frontend_at_once()
    {
        await using var nodes = await StartTwoNodesAsync("lease-cluster");
        var (first, second) = (nodes.First, nodes.Second);

        // 40 concurrent requests, half on each node, against a limit of 25 an hour: exactly 25 served.
        var limited = await CreateKeyAsync(first, new { name = "ci", scopes = new[] { "modules:read" }, rate_limit_per_hour = 25 });
        var statuses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => StatusAsync(i % 2 == 0 ? first : second, limited.Key)));
        Assert.Equal(25, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(15, statuses.Count(s => s == HttpStatusCode.TooManyRequests));

        // An unlimited key, busy on the second node, revoked through the first: refused on the second at once.
        var busy = await CreateKeyAsync(first, new { name = "busy", scopes = new[] { "modules:read" }, rate_limit_per_hour = 0 });
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(second, busy.Key));
        }

        await first.Api.JsonAsync(HttpMethod.Delete, $"/api/v1/apikeys/{busy.Id}");
        var revoked = await second.Api.JsonAsync(HttpMethod.Get, "/v1/modules", key: busy.Key, expectedStatus: 401);
        Assert.Contains("revoked", revoked.GetProperty("error").GetString(), StringComparison.Ordinal);

        // A limit set on one node binds the other's next request.
        var changed = await CreateKeyAsync(first, new { name = "changed", scopes = new[] { "modules:read" }, rate_limit_per_hour = 0 });
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(second, changed.Key));
        }

        await first.Api.JsonAsync(HttpMethod.Put, $"/api/v1/apikeys/{changed.Id}", new { rate_limit_per_hour = 1 });
        using (var last = await second.Api.SendAsync(HttpMethod.Get, "/v1/modules", changed.Key))
        {
            Assert.Equal(HttpStatusCode.OK, last.StatusCode);
            Assert.Equal("0", last.Headers.GetValues("X-RateLimit-Remaining").Single());
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(second, changed.Key));
    }

    [Fact]
    public async Task A_version_published_or_deleted_through_one_node_is_served_by_the_other_at_once()
    {
        await using var nodes = await StartTwoNodesAsync("document-cluster");
        var (first, second) = (nodes.First, nodes.Second);
        await first.Api.CreateNamespaceAsync("cached");
        await PublishAsync(first, "1.0.0");
        const string Versions = "/v1/modules/cached/net/aws/versions";
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(["1.0.0"], VersionsIn(await second.Api.JsonAsync(HttpMethod.Get, Versions)));
        }

        await PublishAsync(first, "1.1.0");
        Assert.Equal(["1.0.0", "1.1.0"], VersionsIn(await second.Api.JsonAsync(HttpMethod.Get, Versions)));

        await first.Api.JsonAsync(HttpMethod.Delete, "/api/v1/modules/cached/net/aws/versions/1.0.0", expectedStatus: 204);
        Assert.Equal(["1.1.0"], VersionsIn(await second.Api.JsonAsync(HttpMethod.Get, Versions)));
    }

    /// <summary>Two registry processes on one database and data directory, with lease and cache lasting five minutes.</summary>
    private async Task<TwoNodes> StartTwoNodesAsync(string name)
    {
        var dataDir = ProviderMirrorTests.TempDir(name);
        var tls = TestCertificates.Create(Path.Combine(dataDir, "tls"));
        var database = await postgres.CreateDatabaseAsync();
        var first = await RegistryNode.StartAsync(database, dataDir, tls, tls.CaPath, settings: LongLived);
        try
        {
            return new TwoNodes(first, await RegistryNode.StartAsync(database, dataDir, tls, tls.CaPath, first.AdminKey, LongLived));
        }
        catch
        {
            await first.DisposeAsync();
            throw;
        }
    }

    private sealed record TwoNodes(RegistryNode First, RegistryNode Second) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Second.DisposeAsync();
            await First.DisposeAsync();
        }
    }

    private static async Task PublishAsync(RegistryNode node, string version)
    {
        using var published = await node.Api.PublishModuleAsync("cached", "net", "aws", version, ModuleArchives.Greeting(version));
        Assert.Equal(HttpStatusCode.Created, published.StatusCode);
    }

    private static string[] VersionsIn(System.Text.Json.JsonElement document) =>
        [.. document.GetProperty("modules")[0].GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetString()!).Order(StringComparer.Ordinal)];

    private static async Task<(string Id, string Key)> CreateKeyAsync(RegistryNode node, object body)
    {
        var created = await node.Api.JsonAsync(HttpMethod.Post, "/api/v1/apikeys", body, expectedStatus: 201);
        return (created.GetProperty("id").GetString()!, created.GetProperty("key").GetString()!);
    }

    private static async Task<HttpStatusCode> StatusAsync(RegistryNode node, string key)
    {
        using var response = await node.Api.SendAsync(HttpMethod.Get, "/v1/modules", key);
        return response.StatusCode;
    }
}
