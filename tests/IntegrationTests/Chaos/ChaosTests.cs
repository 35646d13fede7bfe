using System.Net;
using System.Text;
using OrleansRegistry.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansRegistry.IntegrationTests.Chaos;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ChaosCollection
{
    public const string Name = "chaos";
}

/// <summary>
/// The cluster of <c>scripts/cluster.sh</c> (3 silos, 2 frontends, nginx) under a mixed load through nginx — terraform
/// init of a module and a mirrored provider, composer install, a publisher, a provider mirror sync — while nodes are
/// killed and restarted: (a) kill -9 a silo, (b) bring it back, (c) kill -9 a frontend (and bring it back), (d) restart
/// every silo with SIGTERM, (e) the same for the frontends. Every acknowledged publish must be there at the end, the
/// sync must add each platform once, (d) and (e) must fail no client operation, (a) and (c) at most 1% and none after
/// the node was declared dead. Runs alone (it needs the machine). CHAOS_ROUNDS=N repeats the phases (a soak).
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class ChaosTests(ITestOutputHelper output)
{
    private static readonly string[] Platforms = ["linux_amd64", "darwin_arm64"];

    [Fact]
    public async Task Clients_do_not_fail_while_silos_and_frontends_die_and_restart()
    {
        // Not CreateTempSubdirectory: its mode 700 keeps out the user PostgreSQL runs as when tests run as root.
        var root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"registry-chaos-{Guid.NewGuid():N}")).FullName;
        var upstreamTls = TestCertificates.Create(Path.Combine(root, "upstream-tls"));
        await using var upstream = await ProviderUpstream.StartAsync(upstreamTls, new GnuPg());
        upstream.Add("hashicorp", "null", "3.1.0", Platforms);
        await using var cluster = await ClusterScript.UpAsync(Path.Combine(root, "cluster"), 19700, new Dictionary<string, string>
        {
            ["SSL_CERT_FILE"] = upstreamTls.CaPath, // the silos fetch from the upstream, whose CA is the test's
            ["Mirrors__FirstSyncDelay"] = "01:00:00",
        });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{cluster.HttpPort}"), Timeout = TimeSpan.FromSeconds(60) };
        var api = new RegistryApi(http, cluster.AdminKey);
        var world = await ChaosWorld.PrepareAsync(api, cluster, upstream, Platforms);

        using var load = new ChaosLoad();
        load.Loop("terraform", _ => world.TerraformInitAsync(), TimeSpan.FromMilliseconds(200));
        load.Loop("composer", _ => world.ComposerInstallAsync(), TimeSpan.FromMilliseconds(200));
        load.Loop("publish", world.PublishAsync, TimeSpan.FromMilliseconds(300));
        load.Loop("read", _ => world.ReadAsync(), TimeSpan.FromMilliseconds(50));
        await Task.Delay(TimeSpan.FromSeconds(5));

        // The second sync brings two new versions, slowly, across the silo's death.
        upstream.Add("hashicorp", "null", "3.2.0", Platforms);
        upstream.Add("hashicorp", "null", "3.3.0", Platforms);
        upstream.FileDelay = TimeSpan.FromSeconds(1.5);
        await world.StartSyncAsync();

        var phases = new List<ChaosPhase>();
        var rounds = int.TryParse(Environment.GetEnvironmentVariable("CHAOS_ROUNDS"), out var n) ? n : 1;
        for (var round = 1; round <= rounds; round++)
        {
            var deadBefore = await cluster.DeadRowsAsync(2);
            phases.Add(await ChaosLoad.PhaseAsync($"a{round}: kill -9 silo 2", () => KillSiloAsync(cluster, 2, deadBefore), TimeSpan.FromSeconds(8)));
            phases.Add(await ChaosLoad.PhaseAsync($"b{round}: silo 2 back", () => Restart(cluster, "restart-silo", 2), TimeSpan.FromSeconds(5)));
            phases.Add(await ChaosLoad.PhaseAsync($"c{round}: kill -9 frontend 1", () => KillFrontendAsync(cluster, 1), TimeSpan.FromSeconds(8)));
            for (var silo = 1; silo <= 3; silo++)
            {
                phases.Add(await ChaosLoad.PhaseAsync($"d{round}: SIGTERM silo {silo}", () => Restart(cluster, "restart-silo", silo), TimeSpan.FromSeconds(3)));
            }

            for (var frontend = 1; frontend <= 2; frontend++)
            {
                phases.Add(await ChaosLoad.PhaseAsync($"e{round}: SIGTERM frontend {frontend}", () => Restart(cluster, "restart-frontend", frontend), TimeSpan.FromSeconds(3)));
            }
        }

        await load.StopAsync();
        var report = Report(load.Operations, phases);
        output.WriteLine(report);
        await File.WriteAllTextAsync(Path.Combine(root, "chaos-report.txt"), report);

        foreach (var phase in phases)
        {
            var failed = phase.Of(load.Operations).Where(o => !o.Succeeded).ToList();
            var details = string.Join("\n", failed.Select(o => $"{o.Kind} {o.Started:HH:mm:ss.fff}: {o.Detail}"));
            if (phase.DeclaredDead is { } dead)
            {
                Assert.True(failed.Count <= Math.Max(1, phase.Of(load.Operations).Count() / 100), $"{phase.Name}: {failed.Count} failed\n{details}\n{report}");
                Assert.True(failed.All(o => o.Started < dead), $"{phase.Name}: failures after the node was declared dead\n{details}\n{report}");
            }
            else
            {
                Assert.True(failed.Count == 0, $"{phase.Name}: {failed.Count} failed\n{details}\n{report}");
            }
        }

        await world.AssertEveryAcknowledgedPublishIsServedAsync();
        await world.AssertTheSyncAddedEveryPlatformOnceAsync(["3.2.0", "3.3.0"]);
        for (var silo = 1; silo <= 3; silo++)
        {
            Assert.Contains("recently used grains over to", cluster.Log($"silo-{silo}"), StringComparison.Ordinal);
        }
    }

    private static async Task<DateTime?> KillSiloAsync(ClusterScript cluster, int silo, int deadBefore)
    {
        await cluster.RunAsync("kill-silo", $"{silo}");
        while (await cluster.DeadRowsAsync(silo) == deadBefore)
        {
            await Task.Delay(250);
        }

        return DateTime.UtcNow;
    }

    /// <summary>nginx stops sending to a frontend on the first refused connection (and retries the request elsewhere).</summary>
    private static async Task<DateTime?> KillFrontendAsync(ClusterScript cluster, int frontend)
    {
        await cluster.RunAsync("kill-frontend", $"{frontend}");
        var dead = DateTime.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(8));
        await cluster.RunAsync("restart-frontend", $"{frontend}");
        return dead;
    }

    private static async Task<DateTime?> Restart(ClusterScript cluster, string command, int node)
    {
        await cluster.RunAsync(command, $"{node}");
        return null;
    }

    private static string Report(IReadOnlyCollection<ClientOperation> operations, List<ChaosPhase> phases)
    {
        var text = new StringBuilder("chaos run: client operations started in each phase\n");
        var kinds = operations.Select(o => o.Kind).Distinct().Order().ToArray();
        foreach (var phase in phases)
        {
            var counts = kinds.Select(k => phase.Of(operations).Where(o => o.Kind == k).ToList()).Where(ops => ops.Count > 0)
                .Select(ops => $"{ops[0].Kind} {ops.Count} ({ops.Count(o => !o.Succeeded)} failed, slowest {ops.Max(o => (o.Ended - o.Started).TotalSeconds):0.0} s)");
            var dead = phase.DeclaredDead is { } d ? $", declared dead {(d - phase.Started).TotalSeconds:0.0} s after the kill" : "";
            text.AppendLine($"  {phase.Name}: {string.Join(", ", counts)}; the step took {phase.Recovery?.TotalSeconds:0.0} s{dead}");
        }

        text.AppendLine($"  all: {operations.Count} operations, {operations.Count(o => !o.Succeeded)} failed");
        foreach (var failed in operations.Where(o => !o.Succeeded))
        {
            text.AppendLine($"  failed: {failed.Kind} at {failed.Started:HH:mm:ss.fff} ({(failed.Ended - failed.Started).TotalSeconds:0.0} s): {failed.Detail}");
        }
        return text.ToString();
    }
}
