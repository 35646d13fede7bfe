using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using OrleansRegistry.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansRegistry.IntegrationTests;

/// <summary>
/// Publishers keep publishing Composer packages and modules to a registry process while its PostgreSQL (this test's
/// own) is stopped and started and the process is killed with SIGKILL and restarted. Afterwards every acknowledged
/// publish is there and downloadable, nothing that got a 5xx was stored, and every failed publish succeeds when
/// retried. REGISTRY_FAULT_ROUNDS (default 2) sets how many rounds of faults run, for a longer soak.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class FaultRunTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly PostgresServer _postgres = new();
    private readonly ConcurrentDictionary<string, Attempt> _ledger = new(StringComparer.Ordinal);
    private RegistryNode _node = null!;

    private enum Outcome
    {
        Acknowledged,
        ServerError,
        Unknown,
    }

    /// <param name="Uncertain">A 503 saying the connection broke mid-request: the write may have been stored, so its files stay.</param>
    private sealed record Attempt(string Kind, string Version, byte[] Content, Outcome Outcome, int Status, bool Uncertain = false);

    public async Task InitializeAsync() => await _postgres.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _postgres.StartAsync().ContinueWith(_ => { }, TaskScheduler.Default);
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }

        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task Acknowledged_publishes_survive_crashes_and_database_outages_and_failed_ones_leave_nothing()
    {
        var rounds = int.Parse(Environment.GetEnvironmentVariable("REGISTRY_FAULT_ROUNDS") ?? "2", CultureInfo.InvariantCulture);
        var dataDir = ProviderMirrorTests.TempDir("fault-run");
        var tls = TestCertificates.Create(Path.Combine(dataDir, "tls"));
        _node = await RegistryNode.StartAsync(await _postgres.CreateDatabaseAsync(), dataDir, tls, tls.CaPath,
            settings: new Dictionary<string, string> { ["REGISTRY_RATE_LIMIT_PER_HOUR"] = "0" });
        await _node.Api.CreateNamespaceAsync("fault");

        using var stop = new CancellationTokenSource();
        var publishers = new[] { PublishLoopAsync("composer", stop.Token), PublishLoopAsync("module", stop.Token) };
        var (crashes, outages) = (0, 0);
        for (var round = 0; round < rounds; round++)
        {
            await Task.Delay(2000);
            await _postgres.StopAsync();
            outages++;
            await Task.Delay(4000);
            await _postgres.StartAsync();
            await Task.Delay(3000);
            await _node.KillAsync();
            crashes++;
            _node = await _node.RestartAsync();
            await Task.Delay(2000);
        }

        await stop.CancelAsync();
        await Task.WhenAll(publishers);

        // Every acknowledged publish is there and downloads; nothing that failed is.
        var attempts = _ledger.Values.ToList();
        var acknowledged = attempts.Where(a => a.Outcome == Outcome.Acknowledged).ToList();
        var missing = new List<string>();
        foreach (var attempt in acknowledged)
        {
            if (!await IsServedAsync(attempt))
            {
                missing.Add($"{attempt.Kind} {attempt.Version}");
            }
        }

        var failed = attempts.Where(a => a.Outcome == Outcome.ServerError).ToList();
        var visibleAfter5xx = new List<string>();
        foreach (var attempt in failed)
        {
            if (await IsListedAsync(attempt))
            {
                visibleAfter5xx.Add($"{attempt.Kind} {attempt.Version} ({attempt.Status})");
            }
        }

        // A retry of every publish that did not get its answer succeeds: 201, or 200 where it had landed.
        var landedAfter5xx = new List<string>();
        var retriesFailed = new List<string>();
        var unknownLanded = 0;
        foreach (var attempt in attempts.Where(a => a.Outcome != Outcome.Acknowledged))
        {
            using var response = await PublishAsync(attempt.Kind, attempt.Version, attempt.Content);
            if (response.StatusCode == HttpStatusCode.OK && attempt.Outcome == Outcome.ServerError)
            {
                landedAfter5xx.Add($"{attempt.Kind} {attempt.Version}");
            }
            else if (response.StatusCode == HttpStatusCode.OK)
            {
                unknownLanded++;
            }
            else if (response.StatusCode != HttpStatusCode.Created)
            {
                retriesFailed.Add($"{attempt.Kind} {attempt.Version}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }

        // Blobs nothing refers to: a composer version keeps its zip, a module version its archive, README and interface.
        int Files(string folder) => Directory.Exists(Path.Combine(dataDir, "artifacts", folder)) ? Directory.GetFiles(Path.Combine(dataDir, "artifacts", folder), "*", SearchOption.AllDirectories).Length : 0;
        var versions = attempts.Count - retriesFailed.Count;
        var composerVersions = attempts.Count(a => a.Kind == "composer") - retriesFailed.Count(r => r.StartsWith("composer", StringComparison.Ordinal));
        var orphans = Files("composer") + Files("modules") - composerVersions - (3 * (versions - composerVersions));
        var report = string.Join('\n',
            $"fault run: {rounds} rounds, {crashes} SIGKILL crashes, {outages} database outages",
            $"publishes acknowledged: {acknowledged.Count} (composer {acknowledged.Count(a => a.Kind == "composer")}, module {acknowledged.Count(a => a.Kind == "module")})",
            $"answered 5xx: {failed.Count} ({string.Join(", ", failed.GroupBy(a => a.Status).Select(g => $"{g.Count()}×{g.Key}"))}; {failed.Count(a => a.Uncertain)} of them a connection that broke mid-write); no answer (connection lost): {attempts.Count(a => a.Outcome == Outcome.Unknown)}, of which landed: {unknownLanded}",
            $"acknowledged but missing: {missing.Count}",
            $"5xx but visible: {visibleAfter5xx.Count}; 5xx but landed (a retry answered 200): {landedAfter5xx.Count}",
            $"retries that did not succeed: {retriesFailed.Count}",
            $"blobs nothing refers to: {orphans} (an upload cut off by a SIGKILL, or kept after a write whose connection broke, can leave one each)");
        output.WriteLine(report);
        await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "registry-fault-run.txt"), report + "\n");

        Assert.True(acknowledged.Count > 20, report);
        Assert.True(failed.Count + attempts.Count(a => a.Outcome == Outcome.Unknown) > 0, "no fault was seen by a publisher:\n" + report);
        Assert.True(missing.Count == 0, $"{report}\nmissing: {string.Join(", ", missing)}");
        Assert.True(visibleAfter5xx.Count == 0, $"{report}\nvisible after 5xx: {string.Join(", ", visibleAfter5xx)}");
        Assert.True(landedAfter5xx.Count == 0, $"{report}\nlanded after 5xx: {string.Join(", ", landedAfter5xx)}");
        Assert.True(retriesFailed.Count == 0, $"{report}\n{string.Join('\n', retriesFailed)}");
        Assert.True(orphans <= attempts.Count(a => a.Outcome == Outcome.Unknown || a.Uncertain), report);
    }

    private async Task PublishLoopAsync(string kind, CancellationToken stop)
    {
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var version = $"1.0.{i}";
            var content = kind == "composer"
                ? ComposerCli.PackageZip("fault/lib", version: version)
                : ModuleArchives.Greeting(version);
            Attempt attempt;
            try
            {
                using var response = await PublishAsync(kind, version, content);
                var status = (int)response.StatusCode;
                var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                attempt = new(kind, version, content, status == 201 ? Outcome.Acknowledged : status >= 500 ? Outcome.ServerError : throw new InvalidOperationException(
                    $"{kind} {version}: unexpected {status} {body}"), status, body.Contains("mid-request", StringComparison.Ordinal));
            }
            catch (HttpRequestException)
            {
                attempt = new(kind, version, content, Outcome.Unknown, 0);
                await Task.Delay(200, CancellationToken.None);
            }

            _ledger[$"{kind}:{version}"] = attempt;
            await Task.Delay(50, CancellationToken.None);
        }
    }

    private Task<HttpResponseMessage> PublishAsync(string kind, string version, byte[] content) =>
        kind == "module" ? _node.Api.PublishModuleAsync("fault", "net", "aws", version, content) : _node.Api.PublishComposerAsync(content);

    private async Task<bool> IsListedAsync(Attempt attempt) => attempt.Kind == "composer"
        ? (await _node.Api.JsonAsync(HttpMethod.Get, "/p2/fault/lib.json")).GetProperty("packages").GetProperty("fault/lib").EnumerateArray()
            .Any(v => v.TryGetProperty("version", out var listed) && listed.GetString() == attempt.Version)
        : (await _node.Api.JsonAsync(HttpMethod.Get, "/v1/modules/fault/net/aws/versions")).GetProperty("modules")[0].GetProperty("versions").EnumerateArray()
            .Any(v => v.GetProperty("version").GetString() == attempt.Version);

    /// <summary>Listed, and its archive downloads byte for byte as it was published.</summary>
    private async Task<bool> IsServedAsync(Attempt attempt)
    {
        if (!await IsListedAsync(attempt))
        {
            return false;
        }

        string url;
        if (attempt.Kind == "composer")
        {
            var p2 = (await _node.Api.JsonAsync(HttpMethod.Get, "/p2/fault/lib.json")).GetProperty("packages").GetProperty("fault/lib");
            url = "";
            foreach (var version in p2.EnumerateArray())
            {
                // Minified: a version repeats only what changed, so the dist is always given (each version has its own).
                if (version.GetProperty("version").GetString() == attempt.Version)
                {
                    url = version.GetProperty("dist").GetProperty("url").GetString()!;
                }
            }
        }
        else
        {
            using var download = await _node.Api.SendAsync(HttpMethod.Get, $"/v1/modules/fault/net/aws/{attempt.Version}/download");
            url = download.Headers.GetValues("X-Terraform-Get").Single();
        }

        using var archive = await _node.Api.SendAsync(HttpMethod.Get, url);
        return archive.IsSuccessStatusCode && SHA256.HashData(await archive.Content.ReadAsByteArrayAsync()).SequenceEqual(SHA256.HashData(attempt.Content));
    }
}
