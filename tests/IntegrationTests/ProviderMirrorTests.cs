using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests;

/// <summary>
/// Mirroring providers from an upstream registry: the mirror is our registry as its own process (it trusts the
/// upstream's private CA through SSL_CERT_FILE), the upstream a second registry instance or a test-owned HTTPS
/// registry that misbehaves on purpose, and the client the real terraform.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class ProviderMirrorTests(PostgresServer postgres)
{
    private static readonly string[] Platforms = ["linux_amd64", "darwin_arm64"];

    [Fact]
    public async Task A_synced_mirror_serves_terraform_the_upstreams_providers_with_the_upstreams_hashes()
    {
        await using var upstream = await RegistryInstance.StartAsync(await postgres.CreateDatabaseAsync());
        await upstream.CreateNamespaceAsync("hashicorp");
        var pipeline = new GnuPg();
        await upstream.JsonAsync(HttpMethod.Post, "/api/v1/namespaces/hashicorp/gpg-keys", new { ascii_armor = pipeline.PublicKeyArmor }, expectedStatus: 201);
        foreach (var version in new[] { "2.1.0", "3.1.0", "3.2.0" })
        {
            await PublishAsync(upstream, pipeline, "null", version);
        }

        var upstreamToken = await upstream.CreateKeyAsync(["providers:read"]);
        var dataDir = TempDir("mirror-node");
        await using var node = await RegistryNode.StartAsync(await postgres.CreateDatabaseAsync(), dataDir, TestCertificates.Create(Path.Combine(dataDir, "tls")), upstream.Certificates.CaPath,
            settings: new Dictionary<string, string> { ["Mirrors__UpstreamVersionsCacheTime"] = "00:00:01", ["Mirrors__FirstSyncDelay"] = "01:00:00" });

        using var created = await node.Api.SendAsync(HttpMethod.Post, "/api/v1/mirrors", content: System.Net.Http.Json.JsonContent.Create(new
        {
            kind = "terraform-providers",
            name = "hashicorp",
            upstream_url = $"https://{upstream.Host}",
            hostname = "registry.terraform.io",
            providers = new[] { "hashicorp/*" },
            versions = ">= 3.0, < 4.0",
            platforms = Platforms,
            pull_through = true,
            upstream_token = upstreamToken,
        }));
        var createdText = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, createdText);
        Assert.DoesNotContain(upstreamToken, createdText, StringComparison.Ordinal);
        var id = JsonDocument.Parse(createdText).RootElement.GetProperty("id").GetString()!;
        Assert.True(JsonDocument.Parse(createdText).RootElement.GetProperty("has_credentials").GetBoolean());

        await node.Api.JsonAsync(HttpMethod.Post, $"/api/v1/mirrors/{id}/sync", expectedStatus: 202);
        var first = await WaitForSyncAsync(node.Api, id, 1);
        Assert.True(first.GetProperty("result").GetString() == "succeeded", first.ToString());
        Assert.Equal(2, first.GetProperty("versions_added").GetInt32());
        Assert.Equal(4, first.GetProperty("platforms_added").GetInt32());

        // terraform requires registry.terraform.io/hashicorp/null and gets it from our network mirror only.
        var reader = await node.Api.CreateKeyAsync(["providers:read"]);
        var mirrorConfig = $$"""
            provider_installation {
              network_mirror {
                url = "https://{{node.Host}}/terraform/providers/"
              }
            }
            """;
        var viaMirror = TerraformCli.NewWorkDir(Requires("registry.terraform.io/hashicorp/null", "~> 3.1"));
        var init = await TerraformCli.RunWithConfigAsync(viaMirror, node.Host, node.Certificates.CaPath, reader, mirrorConfig, "init", "-no-color");
        Assert.True(init.ExitCode == 0, init.Output);
        Assert.True(init.Output.Contains("Installed hashicorp/null v3.2.0 (verified checksum)", StringComparison.Ordinal), init.Output);

        // The same provider straight from the upstream: locked for both platforms, the lock files hold the same hashes.
        var direct = TerraformCli.NewWorkDir(Requires($"{upstream.Host}/hashicorp/null", "3.2.0"));
        var directLock = await TerraformCli.RunAsync(direct, upstream, upstreamToken, ["providers", "lock", "-no-color", .. Platforms.Select(p => $"-platform={p}")]);
        Assert.True(directLock.ExitCode == 0, directLock.Output);
        var mirrorLock = await TerraformCli.RunWithConfigAsync(viaMirror, node.Host, node.Certificates.CaPath, reader, mirrorConfig,
            ["providers", "lock", "-no-color", $"-net-mirror=https://{node.Host}/terraform/providers/", .. Platforms.Select(p => $"-platform={p}")]);
        Assert.True(mirrorLock.ExitCode == 0, mirrorLock.Output);
        var mirrorHashes = LockHashes(viaMirror);
        var upstreamHashes = LockHashes(direct);
        Assert.Equal(2, mirrorHashes.Count(h => h.StartsWith("h1:", StringComparison.Ordinal)));
        Assert.Subset(upstreamHashes, mirrorHashes);
        Assert.Equal(upstreamHashes.Where(h => h.StartsWith("h1:", StringComparison.Ordinal)).Order(), mirrorHashes.Where(h => h.StartsWith("h1:", StringComparison.Ordinal)).Order());

        // A second sync finds everything in place.
        await node.Api.JsonAsync(HttpMethod.Post, $"/api/v1/mirrors/{id}/sync", expectedStatus: 202);
        var second = await WaitForSyncAsync(node.Api, id, 2);
        Assert.Equal("succeeded", second.GetProperty("result").GetString());
        Assert.Equal(0, second.GetProperty("platforms_added").GetInt32());
        Assert.Equal(4, second.GetProperty("platforms_skipped").GetInt32());

        // Pull-through: a version published upstream after the sync is fetched, verified and served on first request.
        await PublishAsync(upstream, pipeline, "null", "3.3.0");
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var pulled = TerraformCli.NewWorkDir(Requires("registry.terraform.io/hashicorp/null", "3.3.0"));
        var pullInit = await TerraformCli.RunWithConfigAsync(pulled, node.Host, node.Certificates.CaPath, reader, mirrorConfig, "init", "-no-color");
        Assert.True(pullInit.ExitCode == 0, pullInit.Output);
        Assert.True(pullInit.Output.Contains("Installed hashicorp/null v3.3.0", StringComparison.Ordinal), pullInit.Output);

        // Outside the filters: not listed, not fetched.
        var index = await node.Api.JsonAsync(HttpMethod.Get, "/terraform/providers/registry.terraform.io/hashicorp/null/index.json", key: reader);
        Assert.Equal(["3.3.0", "3.2.0", "3.1.0"], index.GetProperty("versions").EnumerateObject().Select(p => p.Name));
        await node.Api.JsonAsync(HttpMethod.Get, "/terraform/providers/registry.terraform.io/hashicorp/null/2.1.0.json", key: reader, expectedStatus: 404);
        await node.Api.JsonAsync(HttpMethod.Get, "/terraform/providers/registry.terraform.io/hashicorp/other/index.json", key: reader, expectedStatus: 404);

        // The provider registry protocol serves the mirrored copy too, signed by the upstream's key.
        var versions = await node.Api.JsonAsync(HttpMethod.Get, "/v1/providers/hashicorp/null/versions", key: reader);
        Assert.Equal(3, versions.GetProperty("versions").GetArrayLength());
        var download = await node.Api.JsonAsync(HttpMethod.Get, "/v1/providers/hashicorp/null/3.2.0/download/linux/amd64", key: reader);
        Assert.Contains(pipeline.PublicKeyArmor.Split('\n')[2][..20], download.GetProperty("signing_keys").GetProperty("gpg_public_keys")[0].GetProperty("ascii_armor").GetString(), StringComparison.Ordinal);
        Assert.StartsWith($"https://{node.Host}/files/", download.GetProperty("download_url").GetString(), StringComparison.Ordinal);

        // The listing API shows the mirrored provider (it is how "hashicorp/*" was enumerated upstream, too).
        var listing = await node.Api.JsonAsync(HttpMethod.Get, "/v1/providers?namespace=hashicorp", key: reader);
        Assert.Equal(["hashicorp/null/3.3.0"], listing.GetProperty("providers").EnumerateArray().Select(p => p.GetProperty("id").GetString()));

        var mirrors = await node.Api.JsonAsync(HttpMethod.Get, "/api/v1/mirrors");
        Assert.Equal("succeeded", mirrors.GetProperty("mirrors")[0].GetProperty("last_sync").GetProperty("result").GetString());
        Assert.Matches($"mirror_sync_duration_seconds_count{{mirror=\"{id}\",result=\"succeeded\"}} 2", await node.MetricsAsync());
    }

    [Fact]
    public async Task Unverifiable_releases_are_never_published_and_failures_show_in_history_and_metrics()
    {
        var dataDir = TempDir("mirror-faults");
        var tls = TestCertificates.Create(Path.Combine(dataDir, "tls"));
        var signer = new GnuPg();
        await using var upstream = await ProviderUpstream.StartAsync(tls, signer);
        upstream.Add("acme", "good", "1.0.0", "linux_amd64");
        var corrupt = upstream.Add("acme", "corrupt", "1.0.0", "linux_amd64");
        upstream.Replaced[corrupt.Files[0]] = ProviderRelease.Zip("corrupt", "1.0.0", "tampered");
        var forged = upstream.Add("acme", "forged", "1.0.0", "linux_amd64");
        upstream.Replaced[forged.Files[2]] = SignedBy(new GnuPg(), forged.Read(forged.Files[1]));
        var unsummed = upstream.Add("acme", "unsummed", "1.0.0", "linux_amd64");
        upstream.Missing[unsummed.Files[1]] = true;
        upstream.Throttle(2);

        await using var node = await RegistryNode.StartAsync(await postgres.CreateDatabaseAsync(), dataDir, tls, tls.CaPath,
            settings: new Dictionary<string, string> { ["Mirrors__RetryDelay"] = "00:00:00.100", ["Mirrors__FirstSyncDelay"] = "01:00:00" });
        var mirror = await node.Api.JsonAsync(HttpMethod.Post, "/api/v1/mirrors",
            new { kind = "terraform-providers", name = "acme", upstream_url = upstream.Url, hostname = "upstream.acme.test", providers = new[] { "acme/*" } }, expectedStatus: 201);
        var id = mirror.GetProperty("id").GetString()!;

        await node.Api.JsonAsync(HttpMethod.Post, $"/api/v1/mirrors/{id}/sync", expectedStatus: 202);
        var sync = await WaitForSyncAsync(node.Api, id, 1);
        Assert.True(sync.GetProperty("result").GetString() == "partial", sync.ToString());
        Assert.Equal(1, sync.GetProperty("platforms_added").GetInt32());
        Assert.Equal(3, sync.GetProperty("platforms_failed").GetInt32());
        var errors = string.Join("\n", sync.GetProperty("errors").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("acme/corrupt 1.0.0 linux_amd64: checksum mismatch", errors, StringComparison.Ordinal);
        Assert.Contains("acme/forged 1.0.0: signature check of SHA256SUMS failed", errors, StringComparison.Ordinal);
        Assert.Contains("acme/unsummed 1.0.0: GET", errors, StringComparison.Ordinal);
        Assert.Contains("answered 404", errors, StringComparison.Ordinal);

        // Only the verified provider is served; nothing of the others is left in the store.
        await node.Api.JsonAsync(HttpMethod.Get, "/terraform/providers/upstream.acme.test/acme/good/index.json");
        foreach (var type in new[] { "corrupt", "forged", "unsummed" })
        {
            await node.Api.JsonAsync(HttpMethod.Get, $"/terraform/providers/upstream.acme.test/acme/{type}/index.json", expectedStatus: 404);
            var stored = Path.Combine(dataDir, "artifacts", "mirrors", "providers", "upstream.acme.test", "acme", type);
            Assert.Empty(Directory.Exists(stored) ? Directory.GetFiles(stored, "*.zip", SearchOption.AllDirectories) : []);
        }

        Assert.Contains($"mirror_sync_errors_total{{mirror=\"{id}\"}} 3", await node.MetricsAsync(), StringComparison.Ordinal);

        // A wildcard needs the upstream to enumerate its providers; when it cannot, the sync says so.
        upstream.CanList = false;
        await node.Api.JsonAsync(HttpMethod.Post, $"/api/v1/mirrors/{id}/sync", expectedStatus: 202);
        var unlisted = await WaitForSyncAsync(node.Api, id, 2);
        Assert.Equal("failed", unlisted.GetProperty("result").GetString());
        Assert.Contains("cannot enumerate the providers of namespace 'acme'", unlisted.GetProperty("errors")[0].GetString(), StringComparison.Ordinal);

        // An upstream that is down fails the sync cleanly; the next sync, once it is back, completes.
        var port = PostgresServer.FreePort();
        var down = await node.Api.JsonAsync(HttpMethod.Post, "/api/v1/mirrors",
            new { kind = "terraform-providers", name = "down", upstream_url = $"https://127.0.0.1:{port}", hostname = "down.acme.test", providers = new[] { "acme/good" } }, expectedStatus: 201);
        var downId = down.GetProperty("id").GetString()!;
        await node.Api.JsonAsync(HttpMethod.Post, $"/api/v1/mirrors/{downId}/sync", expectedStatus: 202);
        var failed = await WaitForSyncAsync(node.Api, downId, 1);
        Assert.Equal("failed", failed.GetProperty("result").GetString());
        Assert.Contains("is not usable", failed.GetProperty("errors")[0].GetString(), StringComparison.Ordinal);
        Assert.True((await node.Api.JsonAsync(HttpMethod.Get, $"/api/v1/mirrors/{downId}")).TryGetProperty("next_sync_at", out _));

        await using var back = await ProviderUpstream.StartAsync(tls, signer, port);
        back.Add("acme", "good", "1.0.0", "linux_amd64");
        await node.Api.JsonAsync(HttpMethod.Post, $"/api/v1/mirrors/{downId}/sync", expectedStatus: 202);
        var recovered = await WaitForSyncAsync(node.Api, downId, 2);
        Assert.True(recovered.GetProperty("result").GetString() == "succeeded", recovered.ToString());
        Assert.Equal(1, recovered.GetProperty("platforms_added").GetInt32());
    }

    [Fact]
    public async Task Pull_through_fetches_a_version_once_however_many_clients_ask_at_once()
    {
        var dataDir = TempDir("mirror-pull");
        var tls = TestCertificates.Create(Path.Combine(dataDir, "tls"));
        await using var upstream = await ProviderUpstream.StartAsync(tls, new GnuPg());
        upstream.Add("acme", "lazy", "1.0.0", Platforms);
        upstream.Add("acme", "lazy", "2.0.0", Platforms);
        var tampered = upstream.Add("acme", "lazy", "1.1.0", Platforms);
        upstream.Replaced[tampered.Files[0]] = ProviderRelease.Zip("lazy", "1.1.0", "tampered");
        upstream.FileDelay = TimeSpan.FromMilliseconds(500);

        await using var node = await RegistryNode.StartAsync(await postgres.CreateDatabaseAsync(), dataDir, tls, tls.CaPath,
            settings: new Dictionary<string, string> { ["Mirrors__FirstSyncDelay"] = "01:00:00" });
        await node.Api.JsonAsync(HttpMethod.Post, "/api/v1/mirrors", new
        {
            kind = "terraform-providers", name = "lazy", upstream_url = upstream.Url, hostname = "up.acme.test",
            providers = new[] { "acme/lazy" }, versions = "< 2.0", pull_through = true,
        }, expectedStatus: 201);

        // Nothing synced yet: the index comes from the upstream, filtered.
        var index = await node.Api.JsonAsync(HttpMethod.Get, "/terraform/providers/up.acme.test/acme/lazy/index.json");
        Assert.Equal(["1.1.0", "1.0.0"], index.GetProperty("versions").EnumerateObject().Select(p => p.Name));

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => node.Api.JsonAsync(HttpMethod.Get, "/terraform/providers/up.acme.test/acme/lazy/1.0.0.json")));
        Assert.All(answers, a => Assert.Equal(2, a.GetProperty("archives").EnumerateObject().Count()));
        Assert.Single(answers.Select(a => a.GetProperty("archives").GetProperty("linux_amd64").GetProperty("hashes")[0].GetString()).Distinct());
        Assert.All(upstream.FileRequests, f => Assert.True(f.Value == 1, $"{f.Key} was downloaded {f.Value} times"));
        Assert.Equal(4, upstream.FileRequests.Count);

        // A version that fails verification is refused with the reason, and not kept; one the filters exclude is unknown.
        using (var refused = await node.Api.SendAsync(HttpMethod.Get, "/terraform/providers/up.acme.test/acme/lazy/1.1.0.json"))
        {
            var body = await refused.Content.ReadAsStringAsync();
            Assert.True((int)refused.StatusCode == 502, body);
            Assert.Contains("checksum mismatch", body, StringComparison.Ordinal);
        }

        await node.Api.JsonAsync(HttpMethod.Get, "/terraform/providers/up.acme.test/acme/lazy/2.0.0.json", expectedStatus: 404);
        var versions = await node.Api.JsonAsync(HttpMethod.Get, "/v1/providers/acme/lazy/versions");
        Assert.Equal(["1.0.0"], versions.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetString()));
    }

    private static byte[] SignedBy(GnuPg signer, byte[] content)
    {
        var file = Path.Combine(TempDir("forged"), "SHA256SUMS");
        File.WriteAllBytes(file, content);
        signer.DetachSign(file);
        return File.ReadAllBytes(file + ".sig");
    }

    internal static async Task PublishAsync(RegistryInstance registry, GnuPg signer, string type, string version)
    {
        var release = ProviderRelease.Create(type, version, Platforms, signer);
        using var published = await registry.SendAsync(HttpMethod.Post, "/api/v1/providers", content: release.Form("hashicorp", type, version));
        Assert.True(published.StatusCode == HttpStatusCode.Created, await published.Content.ReadAsStringAsync());
    }

    /// <summary>Waits for sync <paramref name="number"/> to end and returns its history entry.</summary>
    internal static async Task<JsonElement> WaitForSyncAsync(RegistryApi api, string id, int number, int timeoutSeconds = 120)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var history = await api.JsonAsync(HttpMethod.Get, $"/api/v1/mirrors/{id}/history");
            var sync = history.GetProperty("syncs").EnumerateArray().FirstOrDefault(s => s.GetProperty("number").GetInt32() == number);
            if (sync.ValueKind == JsonValueKind.Object && sync.TryGetProperty("ended_at", out _))
            {
                return sync;
            }

            Assert.True(DateTime.UtcNow < deadline, $"sync {number} did not end; history: {history}");
            await Task.Delay(250);
        }
    }

    internal static string TempDir(string prefix)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string Requires(string source, string version) => $$"""
        terraform {
          required_providers {
            p = {
              source  = "{{source}}"
              version = "{{version}}"
            }
          }
        }
        """;

    private static HashSet<string> LockHashes(string workDir) =>
        [.. HashPattern().Matches(File.ReadAllText(Path.Combine(workDir, ".terraform.lock.hcl"))).Select(m => m.Groups[1].Value)];

    [GeneratedRegex("\"((?:h1|zh):[^\"]+)\"")]
    private static partial Regex HashPattern();
}
