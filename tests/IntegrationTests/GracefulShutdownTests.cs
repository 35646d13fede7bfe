using System.Net;
using System.Security.Cryptography;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests;

/// <summary>
/// A frontend stopped with SIGTERM turns not ready at once, keeps serving while the balancer moves away, and finishes
/// the request in flight before it exits: a rolling restart fails no client.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class GracefulShutdownTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_stopping_frontend_reports_not_ready_keeps_serving_and_finishes_an_upload_in_flight()
    {
        var dataDir = Directory.CreateTempSubdirectory("graceful-").FullName;
        var tls = TestCertificates.Create(Path.Combine(dataDir, "tls"));
        await using var node = await RegistryNode.StartAsync(await postgres.CreateDatabaseAsync(), dataDir, tls, tls.CaPath,
            settings: new Dictionary<string, string> { ["REGISTRY_SHUTDOWN_DRAIN_DELAY"] = "00:00:04" });
        await node.Api.CreateNamespaceAsync("acme");

        // An upload that stops halfway until the test lets it go on.
        var archive = ModuleArchives.TarGz(new Dictionary<string, string> { ["main.tf"] = "output \"x\" { value = 1 }\n", ["blob.bin"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(3_000_000)) });
        using var gate = new GatedStream(archive, gateAt: archive.Length / 2);
        using var form = new MultipartFormDataContent
        {
            { new StringContent("acme"), "namespace" }, { new StringContent("inflight"), "name" },
            { new StringContent("aws"), "system" }, { new StringContent("1.0.0"), "version" },
            { new StreamContent(gate), "file", "module.tar.gz" },
        };
        var upload = node.Api.SendAsync(HttpMethod.Post, "/api/v1/modules", content: form);
        await gate.Reached.Task.WaitAsync(TimeSpan.FromMinutes(1));

        await node.TerminateAsync();
        using var metrics = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{node.MetricsPort}") };
        await WaitForAsync(async () => (await metrics.GetAsync("/health/ready")).StatusCode == HttpStatusCode.ServiceUnavailable);
        Assert.Equal(HttpStatusCode.OK, (await metrics.GetAsync("/health/live")).StatusCode);

        // Draining: not ready, yet still answering requests the balancer has not moved away yet.
        using (var served = await node.Api.SendAsync(HttpMethod.Get, "/api/v1/namespaces/acme"))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        // Past the drain the server takes no new connections, but the upload in flight is finished.
        await Task.Delay(TimeSpan.FromSeconds(5));
        gate.Open();
        using (var answer = await upload)
        {
            Assert.True(answer.StatusCode == HttpStatusCode.Created, $"{answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}\n{node.Output}");
        }

        Assert.Equal(0, await node.ExitCodeWithinAsync(TimeSpan.FromSeconds(60)));
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the frontend did not turn not ready within 10 s of SIGTERM");
            await Task.Delay(100);
        }
    }
}
