using System.Net;
using System.Text.Json;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests;

/// <summary>
/// A composer-repository mirror of an upstream Composer repository (a second registry instance serving minified
/// p2 metadata and dists, behind a key), installed from by the real composer: lazy and eager modes, private packages
/// shadowing mirrored ones, and installs that keep working once the upstream is gone. The upstream is plain http here
/// (allow_insecure) because the mirror runs in the test process, whose TLS trust store cannot take a per-test CA.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ComposerMirrorTests(PostgresServer postgres)
{
    [Fact]
    public async Task Mirrored_packages_install_through_us_and_keep_installing_when_the_upstream_is_gone()
    {
        var upstream = await RegistryInstance.StartAsync(await postgres.CreateDatabaseAsync());
        await using var mirror = await RegistryInstance.StartAsync(await postgres.CreateDatabaseAsync(), settings: new Dictionary<string, string?>
        {
            ["Mirrors:FirstSyncDelay"] = "01:00:00",
            ["Mirrors:ComposerMetadataTtl"] = "00:00:01",
            ["Mirrors:RetryDelay"] = "00:00:00.100",
        });
        var lazyId = "";
        try
        {
            foreach (var vendor in new[] { "monolog", "symfony", "acme" })
            {
                await upstream.CreateNamespaceAsync(vendor);
            }

            await PublishAsync(upstream, ComposerCli.PackageZip("monolog/monolog", version: "1.0.0"));
            await PublishAsync(upstream, ComposerCli.PackageZip("monolog/monolog", version: "2.0.0"));
            await PublishAsync(upstream, ComposerCli.PackageZip("monolog/monolog"), "dev-main");
            await PublishAsync(upstream, ComposerCli.PackageZip("monolog/extra", new Dictionary<string, string> { ["monolog/monolog"] = "^2.0" }, version: "1.0.0"));
            await PublishAsync(upstream, ComposerCli.PackageZip("symfony/console", version: "6.4.0"));
            await PublishAsync(upstream, ComposerCli.PackageZip("symfony/console", version: "7.0.0"));
            await PublishAsync(upstream, ComposerCli.PackageZip("acme/shadowed", version: "9.0.0"));
            var upstreamKey = await upstream.CreateKeyAsync(["packages:read"]);

            // Our own acme/shadowed shadows the upstream's.
            await mirror.CreateNamespaceAsync("acme");
            await PublishAsync(mirror, ComposerCli.PackageZip("acme/shadowed", version: "1.0.0"));
            var lazy = await mirror.JsonAsync(HttpMethod.Post, "/api/v1/mirrors", new
            {
                kind = "composer-repository", name = "upstream", upstream_url = $"http://127.0.0.1:{upstream.HttpPort}", allow_insecure = true,
                packages = new[] { "monolog/*", "acme/shadowed" }, credentials = new { username = "token", password = upstreamKey },
                user_agent = "OrleansRegistry-test",
            }, expectedStatus: 201);
            Assert.Equal("lazy", lazy.GetProperty("mode").GetString());
            lazyId = lazy.GetProperty("id").GetString()!;
            Assert.True(lazy.GetProperty("has_credentials").GetBoolean());
            var eager = await mirror.JsonAsync(HttpMethod.Post, "/api/v1/mirrors", new
            {
                kind = "composer-repository", name = "console", upstream_url = $"http://127.0.0.1:{upstream.HttpPort}", allow_insecure = true,
                packages = new[] { "symfony/console" }, mode = "eager", credentials = new { token = upstreamKey },
            }, expectedStatus: 201);

            // A key limited to acme sees neither mirror: both copy packages of other vendors too.
            var acmeOnly = await mirror.CreateKeyAsync(["mirrors:read"], ["acme"]);
            Assert.Empty((await mirror.JsonAsync(HttpMethod.Get, "/api/v1/mirrors", key: acmeOnly)).GetProperty("mirrors").EnumerateArray());
            Assert.Equal(2, (await mirror.JsonAsync(HttpMethod.Get, "/api/v1/mirrors")).GetProperty("mirrors").GetArrayLength());

            var packagesJson = await mirror.JsonAsync(HttpMethod.Get, "/packages.json");
            Assert.Equal(["acme/shadowed", "monolog/*", "symfony/console"], packagesJson.GetProperty("available-package-patterns").EnumerateArray().Select(p => p.GetString()));

            // Eager: the sync fetches metadata and every dist before anyone asks.
            var eagerId = eager.GetProperty("id").GetString()!;
            await mirror.JsonAsync(HttpMethod.Post, $"/api/v1/mirrors/{eagerId}/sync", expectedStatus: 202);
            var prefetched = await ProviderMirrorTests.WaitForSyncAsync(mirror.Api, eagerId, 1);
            Assert.True(prefetched.GetProperty("result").GetString() == "succeeded", prefetched.ToString());
            Assert.Equal(2, prefetched.GetProperty("versions_added").GetInt32());

            // Lazy: the first install fetches metadata and dists through us; the lock file points at us.
            var composer = new ComposerCli(mirror);
            var reader = await mirror.CreateKeyAsync(["packages:read"]);
            var project = composer.NewProject();
            var installed = await composer.RunAsync(project, reader, "require", "monolog/extra:^1.0", "acme/shadowed:*");
            Assert.True(installed.ExitCode == 0, installed.Output);
            Assert.Contains("monolog/monolog (2.0.0)", installed.Output, StringComparison.Ordinal);
            Assert.Contains("acme/shadowed (1.0.0)", installed.Output, StringComparison.Ordinal);
            var lockFile = await File.ReadAllTextAsync(Path.Combine(project, "composer.lock"));
            Assert.Contains($"127.0.0.1:{mirror.HttpPort}/dists/monolog/extra/", lockFile, StringComparison.Ordinal);
            Assert.DoesNotContain($"127.0.0.1:{upstream.HttpPort}", lockFile, StringComparison.Ordinal);
            var dev = await mirror.JsonAsync(HttpMethod.Get, "/p2/monolog/monolog~dev.json", key: reader);
            Assert.Contains("dev-main", dev.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await upstream.DisposeAsync();
        }

        // The upstream is gone (and the metadata TTL has passed): what was fetched, or prefetched, still installs.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var offline = new ComposerCli(mirror);
        var key = await mirror.CreateKeyAsync(["packages:read"]);
        var again = await offline.RunAsync(offline.NewProject(), key, "require", "monolog/extra:^1.0", "symfony/console:^7.0");
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Contains("symfony/console (7.0.0)", again.Output, StringComparison.Ordinal);

        // A dist never fetched cannot come from a missing upstream: a clear 502, not a hang. The failure is remembered
        // a while: asked again at once, the mirror answers without trying the upstream again.
        var metadata = await mirror.JsonAsync(HttpMethod.Get, "/p2/monolog/monolog.json", key: key);
        var old = metadata.GetProperty("packages").GetProperty("monolog/monolog").EnumerateArray().Last();
        var distPath = new Uri(old.GetProperty("dist").GetProperty("url").GetString()!).PathAndQuery;
        var failuresBefore = await SyncErrorsAsync(mirror, lazyId);
        using var missing = await mirror.Client.SendAsync(mirror.Request(HttpMethod.Get, distPath, key));
        Assert.Equal(HttpStatusCode.BadGateway, missing.StatusCode);
        using var stillMissing = await mirror.Client.SendAsync(mirror.Request(HttpMethod.Get, distPath, key));
        Assert.Equal(HttpStatusCode.BadGateway, stillMissing.StatusCode);
        Assert.Equal(failuresBefore + 1, await SyncErrorsAsync(mirror, lazyId));
    }

    [Fact]
    public async Task A_lazy_mirror_of_every_package_installs_whatever_the_upstream_has()
    {
        await using var upstream = await RegistryInstance.StartAsync(await postgres.CreateDatabaseAsync());
        await using var mirror = await RegistryInstance.StartAsync(await postgres.CreateDatabaseAsync(), settings: new Dictionary<string, string?>
        {
            ["Mirrors:FirstSyncDelay"] = "01:00:00",
        });
        foreach (var vendor in new[] { "monolog", "psr" })
        {
            await upstream.CreateNamespaceAsync(vendor);
        }

        await PublishAsync(upstream, ComposerCli.PackageZip("psr/log", version: "3.0.0"));
        await PublishAsync(upstream, ComposerCli.PackageZip("monolog/monolog", new Dictionary<string, string> { ["psr/log"] = "^3.0" }, version: "3.5.0"));
        var upstreamKey = await upstream.CreateKeyAsync(["packages:read"]);

        // Eager mode still needs a list; lazy mode takes "*".
        var refused = await mirror.JsonAsync(HttpMethod.Post, "/api/v1/mirrors", new
        {
            kind = "composer-repository", name = "everything", upstream_url = $"http://127.0.0.1:{upstream.HttpPort}", allow_insecure = true,
            packages = new[] { "*" }, mode = "eager",
        }, expectedStatus: 400);
        Assert.Contains("lazy mode only", refused.GetProperty("error").GetString(), StringComparison.Ordinal);
        await mirror.JsonAsync(HttpMethod.Post, "/api/v1/mirrors", new
        {
            kind = "composer-repository", name = "everything", upstream_url = $"http://127.0.0.1:{upstream.HttpPort}", allow_insecure = true,
            packages = new[] { "*" }, credentials = new { token = upstreamKey },
        }, expectedStatus: 201);

        // packages.json tells Composer to ask for anything; a key limited to a vendor gets that vendor's pattern.
        Assert.Equal(["*"], (await mirror.JsonAsync(HttpMethod.Get, "/packages.json")).GetProperty("available-package-patterns").EnumerateArray().Select(p => p.GetString()));
        var psrOnly = await mirror.CreateKeyAsync(["packages:read", "mirrors:read"], ["psr"]);
        Assert.Equal(["psr/*"], (await mirror.JsonAsync(HttpMethod.Get, "/packages.json", key: psrOnly)).GetProperty("available-package-patterns").EnumerateArray().Select(p => p.GetString()));
        Assert.Empty((await mirror.JsonAsync(HttpMethod.Get, "/api/v1/mirrors", key: psrOnly)).GetProperty("mirrors").EnumerateArray());

        var composer = new ComposerCli(mirror);
        var project = composer.NewProject();
        var installed = await composer.RunAsync(project, await mirror.CreateKeyAsync(["packages:read"]), "require", "monolog/monolog:^3.0");
        Assert.True(installed.ExitCode == 0, installed.Output);
        Assert.Contains("psr/log (3.0.0)", installed.Output, StringComparison.Ordinal);
        await mirror.JsonAsync(HttpMethod.Get, "/p2/nobody/has-this.json", expectedStatus: 404);
    }

    private static async Task PublishAsync(RegistryInstance registry, byte[] zip, string? version = null)
    {
        using var response = await registry.PublishComposerAsync(zip, version);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The mirror's <c>mirror_sync_errors_total</c>: one per item it could not fetch.</summary>
    private static async Task<double> SyncErrorsAsync(RegistryInstance registry, string mirrorId)
    {
        var metrics = await registry.MetricsClient.GetStringAsync("/metrics");
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith($"mirror_sync_errors_total{{mirror=\"{mirrorId}\"}}", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
