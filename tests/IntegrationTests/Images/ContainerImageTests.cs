using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.Versioning;
using OrleansRegistry.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansRegistry.IntegrationTests.Images;

/// <summary>
/// The Dockerfile's silo and frontend images, run the way a deployment runs them. Base images cannot be pulled on
/// this project's machines, so instead of <c>docker build</c> and <c>docker run</c> the fixture runs the Dockerfile's
/// own <c>dotnet publish</c> commands, and each container is a process with exactly its target's ENV plus what a
/// deployment supplies (the database, key files, ports, the data volume, /tmp), started with the target's ENTRYPOINT
/// in its read-only /app, as the image's user when the test runs as root. Its HEALTHCHECK runs as declared.
/// </summary>
// Images are Linux: file modes, setpriv, chown.
[UnsupportedOSPlatform("windows")]
[Collection(PostgresCollection.Name)]
public sealed class ContainerImageTests(PostgresServer postgres, PublishedImages images, ITestOutputHelper output) : IClassFixture<PublishedImages>
{
    [Fact]
    public async Task A_silo_and_a_frontend_serve_from_read_only_images_and_answer_their_health_checks()
    {
        output.WriteLine(images.UserNote);
        using var deployment = Deployment.Create(images.Uid);
        var database = await postgres.CreateDatabaseAsync(migrate: false);
        var silo = deployment.Container(images, "silo", database);
        var frontend = deployment.Container(images, "frontend", database);
        var before = PublishedImages.Targets.ToDictionary(t => t, t => PublishedImages.Listing(images.App(t)));

        // A deploy job: the silo image's migrate command.
        var migrated = await silo.ExecAsync([.. images.Dockerfile.EntryPoint("silo"), "migrate"]);
        Assert.True(migrated.Code == 0, migrated.Output);

        await using var siloProcess = silo.Start();
        await using var frontendProcess = frontend.Start();
        try
        {
            await WaitUntilReadyAsync(silo, siloProcess);
            await WaitUntilReadyAsync(frontend, frontendProcess);
            foreach (var (container, process) in new[] { (silo, siloProcess), (frontend, frontendProcess) })
            {
                var (code, said) = await container.ExecAsync(images.Dockerfile.HealthCheck(container.Target).Command);
                Assert.True(code == 0, $"{container.Target} health: {said}");
                Assert.StartsWith("healthy: ", said, StringComparison.Ordinal);
                if (images.Uid is { } uid)
                {
                    Assert.Matches($@"(?m)^Uid:\s+{uid}\s", await File.ReadAllTextAsync($"/proc/{process.Id}/status"));
                }

                // The image clears the base image's ASPNETCORE_HTTP_PORTS, which the registry's own listeners would override with a warning.
                Assert.DoesNotContain("Overriding address", process.Output, StringComparison.Ordinal);
            }

            // The silo wrote the first admin key to the data volume; a module goes in and out through the frontend.
            var adminKey = (await File.ReadAllTextAsync(Path.Combine(deployment.DataDir, "bootstrap-admin.key"))).Trim();
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{frontend.Port("REGISTRY_HTTP_PORT")}") };
            var api = new RegistryApi(http, adminKey);
            await api.CreateNamespaceAsync("images");
            var archive = ModuleArchives.Greeting("1.0.0");
            using (var published = await api.PublishModuleAsync("images", "net", "aws", "1.0.0", archive))
            {
                Assert.True(published.StatusCode == HttpStatusCode.Created, await published.Content.ReadAsStringAsync());
            }

            using var download = await api.SendAsync(HttpMethod.Get, "/v1/modules/images/net/aws/1.0.0/download");
            Assert.Equal(HttpStatusCode.NoContent, download.StatusCode);
            Assert.Equal(archive, await http.GetByteArrayAsync(download.Headers.GetValues("X-Terraform-Get").Single()));
        }
        finally
        {
            await frontendProcess.StopAsync();
            await siloProcess.StopAsync();
        }

        foreach (var (container, process) in new[] { (silo, siloProcess), (frontend, frontendProcess) })
        {
            Assert.True(await process.ExitCodeWithinAsync(TimeSpan.FromSeconds(5)) == 0, $"{container.Target} did not stop cleanly:\n{process.Output}");
            var (code, said) = await container.ExecAsync(images.Dockerfile.HealthCheck(container.Target).Command);
            Assert.True(code != 0, $"{container.Target} health after the stop: {said}");
            Assert.StartsWith("unhealthy: ", said, StringComparison.Ordinal);
        }

        // A read-only root: nothing was written to /app or HOME; the data went to the volume.
        foreach (var target in PublishedImages.Targets)
        {
            Assert.Equal(before[target], PublishedImages.Listing(images.App(target)));
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(deployment.Home));
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(deployment.DataDir, "artifacts"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Without_REGISTRY_DB_each_image_exits_with_one_line_saying_so()
    {
        using var deployment = Deployment.Create(images.Uid);
        foreach (var target in PublishedImages.Targets)
        {
            var container = deployment.Container(images, target, database: null);
            var (code, said) = await container.ExecAsync(images.Dockerfile.EntryPoint(target));
            Assert.Equal(1, code);
            Assert.Equal("error: REGISTRY_DB (ConnectionStrings:Registry) must name the PostgreSQL database", said.Trim());
        }
    }

    private static async Task WaitUntilReadyAsync(ImageContainer container, RegistryProcess process)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var ready = $"http://127.0.0.1:{container.Port("REGISTRY_HTTP_PORT")}/health/ready";
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(ready);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, $"{container.Target} did not become ready:\n{process.Output}");
            // Also the pause between attempts.
            Assert.True(await process.ExitCodeWithinAsync(TimeSpan.FromMilliseconds(250)) is null, $"{container.Target} exited:\n{process.Output}");
        }
    }

    /// <summary>
    /// What a deployment gives the containers: the data volume (one, shared: the local artifact store), a /tmp and a
    /// HOME of each container's own, the two keys as mounted secret files, free ports, the database. Owned by the
    /// containers' user, as a volume with Kubernetes' fsGroup is.
    /// </summary>
    private sealed class Deployment : IDisposable
    {
        private readonly string _root = Path.Combine(Path.GetTempPath(), $"registry-image-run-{Guid.NewGuid():N}");
        private int? _uid;

        public string DataDir => Path.Combine(_root, "data");
        public string Home => Path.Combine(_root, "home");
        private string Secrets => Path.Combine(_root, "secrets");

        public static Deployment Create(int? uid)
        {
            var deployment = new Deployment { _uid = uid };
            foreach (var directory in new[] { deployment.DataDir, deployment.Home, deployment.Secrets })
            {
                Directory.CreateDirectory(directory);
            }

            foreach (var key in new[] { "url-signing.key", "encryption.key" })
            {
                File.WriteAllText(Path.Combine(deployment.Secrets, key), Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
            }

            deployment.GiveToUser(deployment._root);
            return deployment;
        }

        /// <summary>A container of <paramref name="target"/>: its image's settings with these on top (no REGISTRY_DB when <paramref name="database"/> is null).</summary>
        public ImageContainer Container(PublishedImages images, string target, string? database)
        {
            var tmp = Path.Combine(_root, $"tmp-{target}");
            Directory.CreateDirectory(tmp);
            GiveToUser(tmp);
            var settings = new Dictionary<string, string>
            {
                ["REGISTRY_DATA_DIR"] = DataDir,
                ["TMPDIR"] = tmp,
                ["HOME"] = Home,
                ["REGISTRY_URL_SIGNING_KEY_FILE"] = Path.Combine(Secrets, "url-signing.key"),
                ["REGISTRY_ENCRYPTION_KEY_FILE"] = Path.Combine(Secrets, "encryption.key"),
                ["REGISTRY_ADVERTISED_IP"] = "127.0.0.1",
            };
            if (database is not null)
            {
                settings["REGISTRY_DB"] = database;
            }

            foreach (var port in images.ImageEnvironment(target).Keys.Where(k => k.EndsWith("_PORT", StringComparison.Ordinal)))
            {
                settings[port] = PostgresServer.FreePort().ToString(CultureInfo.InvariantCulture);
            }

            return new ImageContainer(images, target, settings, _uid);
        }

        public void Dispose() => Directory.Delete(_root, recursive: true);

        private void GiveToUser(string path)
        {
            if (_uid is { } uid)
            {
                using var chown = Process.Start("chown", ["-R", $"{uid}:{uid}", path]);
                chown.WaitForExit();
                Assert.Equal(0, chown.ExitCode);
            }
        }
    }
}
