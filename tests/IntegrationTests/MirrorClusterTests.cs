using System.Text.Json;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests;

/// <summary>
/// Two registry nodes (silo + frontend processes) on one database and one artifact directory: the reminder-driven
/// sync of a mirror runs once in the cluster, and when the node running it is killed mid-sync, the other node
/// finishes it without downloading again what was already stored or publishing anything twice.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class MirrorClusterTests(PostgresServer postgres)
{
    private const int Versions = 12;

    [Fact]
    public async Task A_scheduled_sync_runs_once_and_survives_the_death_of_its_silo()
    {
        var dataDir = ProviderMirrorTests.TempDir("mirror-cluster");
        var tls = TestCertificates.Create(Path.Combine(dataDir, "tls"));
        await using var upstream = await ProviderUpstream.StartAsync(tls, new GnuPg());
        for (var minor = 0; minor < Versions; minor++)
        {
            upstream.Add("acme", "slow", $"1.{minor}.0", "linux_amd64", "darwin_arm64");
        }

        upstream.FileDelay = TimeSpan.FromMilliseconds(300);
        var database = await postgres.CreateDatabaseAsync();
        var settings = new Dictionary<string, string>
        {
            ["Mirrors__FirstSyncDelay"] = "00:00:03",
            ["Mirrors__MaxConcurrentDownloads"] = "1",
            ["Mirrors__ImportBatchSize"] = "1",
        };
        var first = await RegistryNode.StartAsync(database, dataDir, tls, tls.CaPath, settings: settings);
        var second = await RegistryNode.StartAsync(database, dataDir, tls, tls.CaPath, first.AdminKey, settings);
        await using var _ = first;
        await using var __ = second;

        var created = await first.Api.JsonAsync(HttpMethod.Post, "/api/v1/mirrors", new
        {
            kind = "terraform-providers", name = "slow", upstream_url = upstream.Url, hostname = "upstream.acme.test",
            providers = new[] { "acme/slow" }, interval_minutes = 60,
        }, expectedStatus: 201);
        var id = created.GetProperty("id").GetString()!;

        // The reminder starts the sync on one silo; wait until it has published part of the provider.
        JsonElement running = default;
        await WaitAsync(async () =>
        {
            var mirror = await second.Api.JsonAsync(HttpMethod.Get, $"/api/v1/mirrors/{id}");
            running = mirror.TryGetProperty("running", out var r) ? r : default;
            return running.ValueKind == JsonValueKind.Object && running.GetProperty("platforms_added").GetInt32() >= 4;
        }, first, second);
        Assert.Equal(1, running.GetProperty("number").GetInt32());
        Assert.Equal("schedule", running.GetProperty("trigger").GetString());
        Assert.All(upstream.FileRequests.Values, count => Assert.Equal(1, count));

        var (victim, survivor) = running.GetProperty("silo").GetString() == $"127.0.0.1:{first.SiloPort}" ? (first, second) : (second, first);
        Assert.Equal($"127.0.0.1:{victim.SiloPort}", running.GetProperty("silo").GetString());
        await victim.KillAsync();

        // The survivor reactivates the mirror, records the interrupted sync and resumes it.
        JsonElement history = default;
        await WaitAsync(async () =>
        {
            try
            {
                history = (await survivor.Api.JsonAsync(HttpMethod.Get, $"/api/v1/mirrors/{id}/history")).GetProperty("syncs");
                return history.EnumerateArray().Any(s => s.GetProperty("result").GetString() == "succeeded");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or Xunit.Sdk.XunitException)
            {
                return false;
            }
        }, survivor);

        var syncs = history.EnumerateArray().ToList();
        Assert.Equal(["succeeded", "interrupted"], syncs.Select(s => s.GetProperty("result").GetString()));
        Assert.Equal("resume of sync 1", syncs[0].GetProperty("trigger").GetString());
        Assert.Equal($"127.0.0.1:{survivor.SiloPort}", syncs[0].GetProperty("silo").GetString());

        // Every version once, with both platforms; at most the one download cut off by the kill was repeated.
        var versions = await survivor.Api.JsonAsync(HttpMethod.Get, "/v1/providers/acme/slow/versions");
        Assert.Equal(Versions, versions.GetProperty("versions").GetArrayLength());
        Assert.All(versions.GetProperty("versions").EnumerateArray(), v => Assert.Equal(2, v.GetProperty("platforms").GetArrayLength()));
        var zips = upstream.FileRequests.Where(f => f.Key.EndsWith(".zip", StringComparison.Ordinal)).ToList();
        Assert.Equal(Versions * 2, zips.Count);
        Assert.True(zips.Count(z => z.Value > 1) <= 1, string.Join(", ", zips.Where(z => z.Value > 1).Select(z => $"{z.Key}={z.Value}")));
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, params RegistryNode[] nodes)
    {
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out; output:\n" + string.Join("\n---\n", nodes.Select(n => n.Output)));
            await Task.Delay(500);
        }
    }
}
