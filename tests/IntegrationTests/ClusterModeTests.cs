using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using OrleansRegistry.ApiKeys;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests;

/// <summary>
/// Cluster mode with real processes: a stateless WebFrontend (Orleans client) and a silo-only Silo, both on one
/// PostgreSQL. A frontend with no silo answers 503 at once; it serves as soon as a silo joins. When the silo goes
/// away, reads it kept are answered from the kept copy (stale-if-error), anything else is a prompt 503, not a hang.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterModeTests(PostgresServer postgres)
{
    [Fact]
    public async Task Frontend_answers_503_without_a_silo_and_serves_once_one_joins()
    {
        var database = await postgres.CreateDatabaseAsync();
        var dataDir = Path.Combine(Path.GetTempPath(), $"registry-cluster-mode-{Guid.NewGuid():N}");
        var admin = ApiKeyToken.Generate().Format(ApiKeyToken.DefaultPrefix);
        var shared = new Dictionary<string, string>
        {
            ["REGISTRY_DB"] = database,
            ["REGISTRY_DATA_DIR"] = dataDir,
            ["REGISTRY_URL_SIGNING_KEY"] = Convert.ToBase64String(new byte[32]),
            ["REGISTRY_ENCRYPTION_KEY"] = Convert.ToBase64String(new byte[32]),
            ["REGISTRY_LISTEN_ADDRESS"] = "127.0.0.1",
            ["REGISTRY_CLUSTER_ID"] = "cluster-test",
            ["REGISTRY_SERVICE_ID"] = "cluster-test",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        int frontendPort = PostgresServer.FreePort(), frontendMetricsPort = PostgresServer.FreePort();

        await using var frontend = RegistryProcess.Start("OrleansRegistry.WebFrontend.dll", With(shared, new()
        {
            ["REGISTRY_HTTP_PORT"] = $"{frontendPort}",
            ["REGISTRY_METRICS_PORT"] = $"{frontendMetricsPort}",
            ["Registry__DocumentCache__Duration"] = "00:00:00.2", // so the read after the silo stops asks the grain
        }));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{frontendPort}"), Timeout = TimeSpan.FromSeconds(20) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin);

        await WaitForAsync(async () => (await TryGetAsync(http, "/health/live")) == HttpStatusCode.OK, frontend);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await TryGetAsync(http, "/health/ready"));
        using (var early = await http.GetAsync("/api/v1/namespaces"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, early.StatusCode);
            Assert.Contains("not reachable", await early.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var siloEnvironment = With(shared, new()
        {
            ["REGISTRY_ROLE"] = "silo",
            ["REGISTRY_BOOTSTRAP_ADMIN_KEY"] = admin,
            ["REGISTRY_HTTP_PORT"] = $"{PostgresServer.FreePort()}",
            ["REGISTRY_METRICS_PORT"] = $"{PostgresServer.FreePort()}",
            ["REGISTRY_SILO_PORT"] = $"{PostgresServer.FreePort()}",
            ["REGISTRY_GATEWAY_PORT"] = $"{PostgresServer.FreePort()}",
        });
        var silo = RegistryProcess.Start("Silo.dll", siloEnvironment);
        try
        {
            await WaitForAsync(async () => (await TryGetAsync(http, "/health/ready")) == HttpStatusCode.OK, frontend, silo);
            using var created = await http.PostAsJsonAsync("/api/v1/namespaces", new { name = "clustered" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            using var form = new MultipartFormDataContent
            {
                { new StringContent("clustered"), "namespace" }, { new StringContent("net"), "name" },
                { new StringContent("aws"), "system" }, { new StringContent("1.0.0"), "version" },
                { new ByteArrayContent(ModuleArchives.Greeting("1.0.0")), "file", "net.tar.gz" },
            };
            using var published = await http.PostAsync("/api/v1/modules", form);
            Assert.Equal(HttpStatusCode.Created, published.StatusCode);
            Assert.Contains("1.0.0", await http.GetStringAsync("/v1/modules/clustered/net/aws/versions"), StringComparison.Ordinal);
        }
        finally
        {
            await silo.DisposeAsync();
        }

        // The only silo is gone. What the frontend kept (the document, the admin key's lease) answers, and says so in
        // a metric; a document it never held and a write are a prompt 503, not a hang.
        var started = DateTime.UtcNow;
        Assert.Contains("1.0.0", await http.GetStringAsync("/v1/modules/clustered/net/aws/versions"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await TryGetAsync(http, "/v1/modules/clustered/other/aws/versions"));
        using (var write = await http.PostAsJsonAsync("/api/v1/namespaces", new { name = "later" }))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
        }

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(15));
        var metrics = await http.GetStringAsync($"http://127.0.0.1:{frontendMetricsPort}/metrics");
        Assert.Matches("document_cache_stale_served_total\\{kind=\"document\"\\} [1-9]", metrics);
        Assert.Matches("document_cache_stale_served_total\\{kind=\"key_lease\"\\} [1-9]", metrics);

        // A new silo on the same database: the frontend reconnects by itself and the module is still there.
        await using var again = RegistryProcess.Start("Silo.dll", siloEnvironment);
        await WaitForAsync(async () => (await TryGetAsync(http, "/v1/modules/clustered/net/aws/versions")) == HttpStatusCode.OK, frontend, again);
    }

    private static Dictionary<string, string> With(Dictionary<string, string> shared, Dictionary<string, string> own) =>
        shared.Concat(own).ToDictionary(kv => kv.Key, kv => kv.Value);

    private static async Task<HttpStatusCode?> TryGetAsync(HttpClient http, string path)
    {
        try
        {
            using var response = await http.GetAsync(path);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, params RegistryProcess[] processes)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out; output:\n" + string.Join("\n---\n", processes.Select(p => p.Output)));
            await Task.Delay(250);
        }
    }
}
