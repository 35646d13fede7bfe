using System.Net;
using System.Text.Json;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests;

/// <summary>The real composer (Debian package) installing packages published to the registry.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ComposerEndToEndTests(PostgresServer postgres) : IAsyncLifetime
{
    private RegistryInstance _registry = null!;
    private ComposerCli _composer = null!;

    public async Task InitializeAsync()
    {
        _registry = await RegistryInstance.StartAsync(await postgres.CreateDatabaseAsync());
        _composer = new ComposerCli(_registry);
        await _registry.CreateNamespaceAsync("acme");
        await _registry.CreateNamespaceAsync("globex");
        await PublishAsync(ComposerCli.PackageZip("acme/util", version: "1.0.0"));
        foreach (var version in new[] { "1.0.0", "v1.1.0", "2.0.0" })
        {
            await PublishAsync(ComposerCli.PackageZip("acme/lib", new Dictionary<string, string> { ["acme/util"] = "^1.0" }), version);
        }

        // A branch, from a zip with a single top folder (like GitHub's archives), marked as the default branch.
        await PublishAsync(ComposerCli.PackageZip("acme/lib", new Dictionary<string, string> { ["acme/util"] = "^1.0" }, prefix: "lib-main/"), "dev-main", defaultBranch: true);
        await PublishAsync(ComposerCli.PackageZip("globex/secret", version: "1.0.0"));
    }

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    private async Task<JsonElement> PublishAsync(byte[] zip, string? version = null, HttpStatusCode expected = HttpStatusCode.Created, bool defaultBranch = false)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(zip), "file", "package.zip" } };
        if (version is not null)
        {
            form.Add(new StringContent(version), "version");
        }

        if (defaultBranch)
        {
            form.Add(new StringContent("true"), "default_branch");
        }

        using var response = await _registry.SendAsync(HttpMethod.Post, "/api/v1/composer/packages", content: form);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Fact]
    public async Task Require_picks_the_newest_matching_version_resolves_dependencies_and_installs_from_the_lock()
    {
        var key = await _registry.CreateKeyAsync(["packages:read"], ["acme"]);
        var project = _composer.NewProject();
        var require = await _composer.RunAsync(project, key, "require", "acme/lib:^1.0");
        Assert.True(require.ExitCode == 0, require.Output);
        var lockFile = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(project, "composer.lock"))).RootElement;
        var locked = lockFile.GetProperty("packages").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p);
        Assert.Equal("v1.1.0", locked["acme/lib"].GetProperty("version").GetString());
        Assert.Equal("1.0.0", locked["acme/util"].GetProperty("version").GetString());
        Assert.StartsWith($"{_composer.RepositoryUrl}/dists/acme/lib/1.1.0.0/", locked["acme/lib"].GetProperty("dist").GetProperty("url").GetString(), StringComparison.Ordinal);

        Directory.Delete(Path.Combine(project, "vendor"), recursive: true);
        var install = await _composer.RunAsync(project, key, "install");
        Assert.True(install.ExitCode == 0, install.Output);
        Assert.True(File.Exists(Path.Combine(project, "vendor", "acme", "lib", "src", "Hello.php")));

        // Composer told us what it installed (notify-batch).
        await WaitForInstallsAsync("acme/lib");
    }

    [Fact]
    public async Task A_dev_branch_installs_with_at_dev()
    {
        var key = await _registry.CreateKeyAsync(["packages:read"]);
        var project = _composer.NewProject();
        var require = await _composer.RunAsync(project, key, "require", "acme/lib:dev-main@dev");
        Assert.True(require.ExitCode == 0, require.Output);
        Assert.True(File.Exists(Path.Combine(project, "vendor", "acme", "lib", "src", "Hello.php")));
    }

    [Fact]
    public async Task A_branch_named_with_a_slash_installs_and_a_traversing_one_is_refused()
    {
        await PublishAsync(ComposerCli.PackageZip("acme/lib", new Dictionary<string, string> { ["acme/util"] = "^1.0" }), "dev-feature/login");
        var key = await _registry.CreateKeyAsync(["packages:read"]);
        var project = _composer.NewProject();
        var require = await _composer.RunAsync(project, key, "require", "acme/lib:dev-feature/login@dev");
        Assert.True(require.ExitCode == 0, require.Output);
        Assert.True(File.Exists(Path.Combine(project, "vendor", "acme", "lib", "src", "Hello.php")));
        var locked = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(project, "composer.lock"))).RootElement.GetProperty("packages")
            .EnumerateArray().Single(p => p.GetProperty("name").GetString() == "acme/lib");
        Assert.StartsWith($"{_composer.RepositoryUrl}/dists/acme/lib/dev-feature/login/", locked.GetProperty("dist").GetProperty("url").GetString(), StringComparison.Ordinal);

        foreach (var branch in new[] { "dev-../../x", "dev-feature//x", "dev-/x", "dev-" })
        {
            var refused = await PublishAsync(ComposerCli.PackageZip("acme/lib"), branch, HttpStatusCode.BadRequest);
            Assert.Contains(branch, refused.GetProperty("error").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task No_token_a_foreign_vendor_and_the_rate_limit_fail_the_install()
    {
        var anonymous = await _composer.RunAsync(_composer.NewProject(), null, "require", "acme/lib:^1.0");
        Assert.NotEqual(0, anonymous.ExitCode);
        Assert.Contains("authentication", anonymous.Output, StringComparison.OrdinalIgnoreCase);

        var acmeOnly = await _registry.CreateKeyAsync(["packages:read"], ["acme"]);
        var foreign = await _composer.RunAsync(_composer.NewProject(), acmeOnly, "require", "globex/secret:^1.0");
        Assert.NotEqual(0, foreign.ExitCode);
        Assert.Contains("globex/secret", foreign.Output, StringComparison.Ordinal);

        var created = await _registry.JsonAsync(HttpMethod.Post, "/api/v1/apikeys", new { name = "tiny", scopes = new[] { "packages:read" }, rate_limit_per_hour = 2 }, expectedStatus: 201);
        var limited = await _composer.RunAsync(_composer.NewProject(), created.GetProperty("key").GetString(), "require", "acme/lib:^1.0");
        Assert.NotEqual(0, limited.ExitCode);
        Assert.Contains("429", limited.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_run_revalidates_with_if_modified_since_and_gets_304s()
    {
        var key = await _registry.CreateKeyAsync(["packages:read"]);
        var first = await _composer.RunAsync(_composer.NewProject(), key, "require", "acme/util:^1.0");
        Assert.True(first.ExitCode == 0, first.Output);
        var (p2Before, rootBefore) = (await NotModifiedCountAsync("/p2/{vendor}/{file}"), await NotModifiedCountAsync("/packages.json"));
        var second = await _composer.RunAsync(_composer.NewProject(), key, "require", "acme/util:^1.0");
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.True(await NotModifiedCountAsync("/p2/{vendor}/{file}") > p2Before, "composer's second run got no 304 for p2 metadata");
        Assert.True(await NotModifiedCountAsync("/packages.json") > rootBefore, "composer's second run got no 304 for packages.json");
    }

    [Fact]
    public async Task Metadata_is_minified_newest_first_and_bad_uploads_are_refused()
    {
        var key = await _registry.CreateKeyAsync(["packages:read"]);
        var p2 = await _registry.JsonAsync(HttpMethod.Get, "/p2/acme/lib.json", key: key);
        Assert.Equal("composer/2.0", p2.GetProperty("minified").GetString());
        var versions = p2.GetProperty("packages").GetProperty("acme/lib").EnumerateArray().ToList();
        Assert.Equal(["2.0.0", "v1.1.0", "1.0.0"], versions.Select(v => v.GetProperty("version").GetString()));
        Assert.True(versions[0].TryGetProperty("require", out _));
        Assert.False(versions[1].TryGetProperty("require", out _)); // unchanged from the previous version
        var dev = await _registry.JsonAsync(HttpMethod.Get, "/p2/acme/lib~dev.json", key: key);
        Assert.Equal("dev-main", dev.GetProperty("packages").GetProperty("acme/lib")[0].GetProperty("version").GetString());
        Assert.True(dev.GetProperty("packages").GetProperty("acme/lib")[0].GetProperty("default-branch").GetBoolean());
        await PublishAsync(ComposerCli.PackageZip("acme/lib"), "1.5.0", HttpStatusCode.BadRequest, defaultBranch: true);
        await _registry.JsonAsync(HttpMethod.Get, "/p2/acme/nothing.json", key: key, expectedStatus: 404);

        var packages = await _registry.JsonAsync(HttpMethod.Get, "/packages.json", key: await _registry.CreateKeyAsync(["packages:read"], ["acme"]));
        Assert.Equal("/p2/%package%.json", packages.GetProperty("metadata-url").GetString());
        Assert.Equal(["acme/lib", "acme/util"], packages.GetProperty("available-packages").EnumerateArray().Select(p => p.GetString()));

        await PublishAsync(ComposerCli.PackageZip("acme/lib"), "1.0", HttpStatusCode.Conflict); // 1.0 == 1.0.0.0
        await PublishAsync(ComposerCli.PackageZip("acme/lib"), "latest", HttpStatusCode.BadRequest);
        await PublishAsync(ComposerCli.PackageZip("acme/nover"), null, HttpStatusCode.BadRequest);
        await PublishAsync(ComposerCli.PackageZip("Bad Name"), "1.0.0", HttpStatusCode.BadRequest);
        await PublishAsync(ComposerCli.PackageZip("nowhere/pkg"), "1.0.0", HttpStatusCode.NotFound);
        await PublishAsync("not a zip"u8.ToArray(), "1.0.0", HttpStatusCode.BadRequest);

        var list = await _registry.JsonAsync(HttpMethod.Get, "/packages/list.json?filter=acme/u*", key: key);
        Assert.Equal(["acme/util"], list.GetProperty("packageNames").EnumerateArray().Select(p => p.GetString()));

        // Abandoning shows in every version of the metadata (and changes Last-Modified).
        await PublishAsync(ComposerCli.PackageZip("acme/old", version: "1.0.0"));
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/composer/packages/acme/old/abandon", new { replacement = "acme/lib" }, expectedStatus: 204);
        var old = await _registry.JsonAsync(HttpMethod.Get, "/p2/acme/old.json", key: key);
        Assert.Equal("acme/lib", old.GetProperty("packages").GetProperty("acme/old")[0].GetProperty("abandoned").GetString());
        var oldDist = new Uri(old.GetProperty("packages").GetProperty("acme/old")[0].GetProperty("dist").GetProperty("url").GetString()!).PathAndQuery;
        using (var served = await _registry.SendAsync(HttpMethod.Get, oldDist, key))
        {
            // Served from memory (a small dist), with the headers a file answer has.
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Equal("application/zip", served.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(served.Content.Headers.LastModified);
            var conditional = _registry.Request(HttpMethod.Get, oldDist, key);
            conditional.Headers.IfModifiedSince = served.Content.Headers.LastModified;
            using var notModified = await _registry.Client.SendAsync(conditional);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        }

        await _registry.JsonAsync(HttpMethod.Delete, "/api/v1/composer/packages/acme/old/versions/1.0.0", expectedStatus: 204);
        await _registry.JsonAsync(HttpMethod.Get, "/p2/acme/old.json", key: key, expectedStatus: 404);
        using (var deleted = await _registry.SendAsync(HttpMethod.Get, oldDist, key))
        {
            // The frontend's copy of where the dist was went with the version.
            Assert.Equal(HttpStatusCode.NotFound, deleted.StatusCode);
        }

        var request = _registry.Request(HttpMethod.Get, "/packages.json", key);
        request.Headers.UserAgent.ParseAdd("Composer/1.10.26");
        using var composer1 = await _registry.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, composer1.StatusCode);
        Assert.Contains("Composer 2", await composer1.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Without a key too: the outdated client is told what to do, not asked for credentials.
        var keyless = _registry.Request(HttpMethod.Get, "/p2/acme/lib.json");
        keyless.Headers.UserAgent.ParseAdd("Composer/1.10.26");
        using var keylessComposer1 = await _registry.Client.SendAsync(keyless);
        Assert.Equal(HttpStatusCode.BadRequest, keylessComposer1.StatusCode);
    }

    private async Task<double> NotModifiedCountAsync(string route)
    {
        using var metrics = new HttpClient();
        var text = await metrics.GetStringAsync($"http://127.0.0.1:{_registry.MetricsPort}/metrics");
        return text.Split('\n')
            .Where(l => l.StartsWith("http_requests_total{", StringComparison.Ordinal) && l.Contains($"route=\"{route}\"", StringComparison.Ordinal) && l.Contains("status=\"304\"", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task WaitForInstallsAsync(string package)
    {
        for (var i = 0; i < 50; i++)
        {
            var view = await _registry.JsonAsync(HttpMethod.Get, $"/api/v1/composer/packages/{package}");
            if (view.GetProperty("versions").EnumerateArray().Any(v => v.GetProperty("installs").GetInt64() > 0))
            {
                return;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"composer's notify-batch never counted an install of {package}");
    }
}
