using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansRegistry.ApiKeys;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests.Observability;

/// <summary>
/// The metrics as a deployment exports them: a silo-only process and a frontend (cluster mode) on one PostgreSQL.
/// Every metric the alert rules and the dashboard select must be in their /metrics, so renaming a metric (or a
/// typo in a panel) fails here; and api_keys_expiring counts what the admin API created.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class MetricsCoverageTests(PostgresServer postgres) : IAsyncLifetime, IDisposable
{
    private readonly string _admin = ApiKeyToken.Generate().Format(ApiKeyToken.DefaultPrefix);
    private RegistryProcess? _silo;
    private RegistryProcess? _frontend;
    private HttpClient _api = null!;
    private HttpClient _siloMetrics = null!;
    private HttpClient _frontendMetrics = null!;

    public async Task InitializeAsync()
    {
        var silo = RegistryProcess.SiloEnvironment(await postgres.CreateDatabaseAsync());
        silo["REGISTRY_BOOTSTRAP_ADMIN_KEY"] = _admin;
        silo["REGISTRY_DESIRED_SILOS"] = "1";
        // Every scrape counts anew, so a key created just before is in the next scrape.
        silo["Registry__Metrics__ApiKeyExpiryRefresh"] = "00:00:00";
        silo["Logging__LogLevel__Default"] = "Warning";
        // The frontend shares the database, data directory, keys and desired count; the rest is the silo's own.
        string[] siloOnly = ["REGISTRY_ROLE", "REGISTRY_BOOTSTRAP_ADMIN_KEY", "REGISTRY_SILO_PORT", "REGISTRY_GATEWAY_PORT", "Registry__Metrics__ApiKeyExpiryRefresh"];
        var frontend = silo.Where(kv => !siloOnly.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
        frontend["REGISTRY_HTTP_PORT"] = $"{PostgresServer.FreePort()}";
        frontend["REGISTRY_METRICS_PORT"] = $"{PostgresServer.FreePort()}";
        _silo = RegistryProcess.Start("Silo.dll", silo);
        _frontend = RegistryProcess.Start("OrleansRegistry.WebFrontend.dll", frontend);
        _api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{frontend["REGISTRY_HTTP_PORT"]}"), Timeout = TimeSpan.FromSeconds(20) };
        _api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _admin);
        _siloMetrics = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo["REGISTRY_METRICS_PORT"]}"), Timeout = TimeSpan.FromSeconds(20) };
        _frontendMetrics = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{frontend["REGISTRY_METRICS_PORT"]}"), Timeout = TimeSpan.FromSeconds(20) };
        await WaitForAsync(async () => await StatusAsync(_api, "/health/ready") == HttpStatusCode.OK, "the frontend to be ready");
    }

    public void Dispose()
    {
        _api.Dispose();
        _siloMetrics.Dispose();
        _frontendMetrics.Dispose();
    }

    public async Task DisposeAsync()
    {
        foreach (var process in new[] { _frontend, _silo })
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Every_metric_of_the_alerts_and_the_dashboard_is_exported()
    {
        // A mirror whose upstream refuses connections: its sync fails, which is what creates the mirror's series.
        using var created = await _api.PostAsJsonAsync("/api/v1/mirrors", new
        {
            kind = "terraform-providers", name = "refused", upstream_url = $"https://127.0.0.1:{PostgresServer.FreePort()}",
            hostname = "registry.example.test", providers = new[] { "hashicorp/null" },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var mirror = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        await WaitForAsync(async () => (await _api.GetFromJsonAsync<JsonElement>($"/api/v1/mirrors/{mirror}/history")).GetProperty("syncs")
            .EnumerateArray().Any(s => s.TryGetProperty("ended_at", out var ended) && ended.ValueKind == JsonValueKind.String), "the mirror's first sync to end");
        for (var i = 0; i < 2; i++)
        {
            using var read = await _api.GetAsync("/packages.json");
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        var exported = new HashSet<string>(SampleNames(await _siloMetrics.GetStringAsync("/metrics")), StringComparer.Ordinal);
        exported.UnionWith(SampleNames(await _frontendMetrics.GetStringAsync("/metrics")));

        var selected = MonitoringFiles.AlertExpressions().Select(a => (Where: $"alert {a.Key}", Names: PromQlMetricNames.Of(a.Value)))
            .Concat(MonitoringFiles.DashboardQueries().Select(q => (Where: $"panel {q.Key}", Names: PromQlMetricNames.Of(q.Value))))
            .Concat(MonitoringFiles.DashboardVariableMetrics().Select(m => (Where: "dashboard variable", Names: (IReadOnlySet<string>)new HashSet<string> { m })))
            .ToArray();
        Assert.Contains(selected, s => s.Names.Contains("mirror_platforms_added_total"));
        var missing = selected.SelectMany(s => s.Names.Where(n => !exported.Contains(n)).Select(n => $"{n} ({s.Where})")).ToArray();
        Assert.True(missing.Length == 0, "not in /metrics: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task Api_keys_expiring_counts_the_live_keys_by_window()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var expiry in new TimeSpan?[] { TimeSpan.FromHours(12), TimeSpan.FromDays(3), TimeSpan.FromDays(10), TimeSpan.FromDays(30), null })
        {
            await CreateKeyAsync(expiry is null ? null : now + expiry);
        }

        var revoked = await CreateKeyAsync(now + TimeSpan.FromHours(6));
        using (var revoke = await _api.DeleteAsync($"/api/v1/apikeys/{revoked}"))
        {
            Assert.True(revoke.IsSuccessStatusCode, $"{revoke.StatusCode}");
        }

        // The key table follows each key's grain; the counts settle once it has them all.
        var expected = "1d=1 7d=2 14d=3";
        var seen = "";
        await WaitForAsync(async () => (seen = Expiring(await _siloMetrics.GetStringAsync("/metrics"))) == expected, $"api_keys_expiring to be {expected}", () => seen);
        Assert.Equal("", Expiring(await _frontendMetrics.GetStringAsync("/metrics")));
    }

    private async Task<string> CreateKeyAsync(DateTimeOffset? expiresAt)
    {
        using var created = await _api.PostAsJsonAsync("/api/v1/apikeys", new { name = "ci", scopes = new[] { "modules:read" }, expires_at = expiresAt });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>"1d=n 7d=n 14d=n" from the api_keys_expiring lines of an exposition.</summary>
    private static string Expiring(string exposition) => string.Join(" ", exposition.Split('\n')
        .Where(l => l.StartsWith("api_keys_expiring{", StringComparison.Ordinal))
        .Select(l => $"{l.Split('"')[1]}={l.Split(' ')[^1].Trim()}"));

    /// <summary>The names of the samples in a Prometheus text exposition (histograms as their _bucket/_sum/_count).</summary>
    private static IEnumerable<string> SampleNames(string exposition) => exposition.Split('\n')
        .Where(l => l.Length > 0 && l[0] != '#')
        .Select(l => l[..l.IndexOfAny(['{', ' '])]);

    private static async Task<HttpStatusCode?> StatusAsync(HttpClient http, string path)
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

    private async Task WaitForAsync(Func<Task<bool>> condition, string what, Func<string>? last = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what} {last?.Invoke()}; silo:\n{_silo?.Output}\n---\nfrontend:\n{_frontend?.Output}");
            await Task.Delay(250);
        }
    }
}
