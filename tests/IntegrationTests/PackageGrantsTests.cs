using System.Net;
using System.Text.Json;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests;

/// <summary>
/// Keys limited to Composer package patterns (<c>package_patterns</c>): the real composer installs what they match,
/// every other package is absent from metadata and listings and refused as a dist or a publish, a narrowing binds the
/// key's next request, and no patterned key grants more than its own patterns.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PackageGrantsTests(PostgresServer postgres) : IAsyncLifetime
{
    private RegistryInstance _registry = null!;
    private ComposerCli _composer = null!;
    private string _otherDist = null!;

    public async Task InitializeAsync()
    {
        _registry = await RegistryInstance.StartAsync(await postgres.CreateDatabaseAsync());
        _composer = new ComposerCli(_registry);
        await _registry.CreateNamespaceAsync("acme");
        foreach (var package in new[] { "acme/billing-core", "acme/other" })
        {
            using var published = await _registry.PublishComposerAsync(ComposerCli.PackageZip(package, version: "1.0.0"));
            Assert.True(published.StatusCode == HttpStatusCode.Created, await published.Content.ReadAsStringAsync());
        }

        var other = await _registry.JsonAsync(HttpMethod.Get, "/p2/acme/other.json");
        _otherDist = new Uri(other.GetProperty("packages").GetProperty("acme/other")[0].GetProperty("dist").GetProperty("url").GetString()!).PathAndQuery;
    }

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    [Fact]
    public async Task A_patterned_key_installs_its_packages_and_sees_no_other()
    {
        var (_, key) = await CreateAsync(new { name = "billing ci", scopes = new[] { "packages:read" }, package_patterns = new[] { "acme/billing-*" } });
        var project = _composer.NewProject(new Dictionary<string, string> { ["acme/billing-core"] = "^1.0" });
        var install = await _composer.RunAsync(project, key, "install");
        Assert.True(install.ExitCode == 0, install.Output);
        Assert.True(File.Exists(Path.Combine(project, "vendor", "acme", "billing-core", "src", "Hello.php")));

        var foreign = await _composer.RunAsync(_composer.NewProject(), key, "require", "acme/other:^1.0");
        Assert.NotEqual(0, foreign.ExitCode);
        Assert.Contains("acme/other", foreign.Output, StringComparison.Ordinal);

        await _registry.JsonAsync(HttpMethod.Get, "/p2/acme/other.json", key: key, expectedStatus: 404);
        await _registry.JsonAsync(HttpMethod.Get, "/p2/acme/other~dev.json", key: key, expectedStatus: 404);
        await _registry.JsonAsync(HttpMethod.Get, _otherDist, key: key, expectedStatus: 403);
        await _registry.JsonAsync(HttpMethod.Get, "/api/v1/composer/packages/acme/other", key: key, expectedStatus: 403);
        await _registry.JsonAsync(HttpMethod.Get, "/p2/acme/billing-core.json", key: key);
        using (var dist = await _registry.SendAsync(HttpMethod.Get, _otherDist))
        {
            Assert.Equal(HttpStatusCode.OK, dist.StatusCode); // the URL is right: an unlimited key gets the dist
        }

        Assert.Equal(["acme/billing-core"], await NamesAsync("/packages.json", "available-packages", key));
        Assert.Equal(["acme/billing-core"], await NamesAsync("/packages/list.json", "packageNames", key));
        Assert.Equal(["acme/billing-core"], await NamesAsync("/packages/list.json?filter=acme/*", "packageNames", key));
        var search = await _registry.JsonAsync(HttpMethod.Get, "/search.json?q=acme", key: key);
        Assert.Equal(["acme/billing-core"], search.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("name").GetString()));
        Assert.Equal(["acme/billing-core", "acme/other"], await NamesAsync("/packages/list.json", "packageNames", _registry.AdminKey));
    }

    [Fact]
    public async Task Narrowing_a_key_binds_its_next_request()
    {
        var (id, key) = await CreateAsync(new { name = "acme ci", scopes = new[] { "packages:read" }, package_patterns = new[] { "acme/*" } });
        await _registry.JsonAsync(HttpMethod.Get, "/p2/acme/other.json", key: key);
        Assert.Equal(["acme/billing-core", "acme/other"], await NamesAsync("/packages.json", "available-packages", key));
        using (var dist = await _registry.SendAsync(HttpMethod.Get, _otherDist, key))
        {
            Assert.Equal(HttpStatusCode.OK, dist.StatusCode);
        }

        var narrowed = await _registry.JsonAsync(HttpMethod.Put, $"/api/v1/apikeys/{id}", new { package_patterns = new[] { "ACME/billing-*" } });
        Assert.Equal(["acme/billing-*"], narrowed.GetProperty("package_patterns").EnumerateArray().Select(p => p.GetString()));
        await _registry.JsonAsync(HttpMethod.Get, "/p2/acme/other.json", key: key, expectedStatus: 404);
        await _registry.JsonAsync(HttpMethod.Get, _otherDist, key: key, expectedStatus: 403);
        Assert.Equal(["acme/billing-core"], await NamesAsync("/packages.json", "available-packages", key));

        // A change of something else keeps the patterns; the listing shows them.
        var renamed = await _registry.JsonAsync(HttpMethod.Put, $"/api/v1/apikeys/{id}", new { name = "billing ci" });
        Assert.Equal(["acme/billing-*"], renamed.GetProperty("package_patterns").EnumerateArray().Select(p => p.GetString()));
        var listed = (await _registry.JsonAsync(HttpMethod.Get, "/api/v1/apikeys")).GetProperty("api_keys").EnumerateArray().Single(k => k.GetProperty("id").GetString() == id);
        Assert.Equal(["acme/billing-*"], listed.GetProperty("package_patterns").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task A_patterned_key_grants_manages_and_publishes_only_within_its_patterns()
    {
        var (managerId, manager) = await CreateAsync(new
        {
            name = "billing team", scopes = new[] { "api_keys:manage", "packages:write" }, package_patterns = new[] { "acme/billing-*" },
        });
        var wider = await _registry.JsonAsync(HttpMethod.Post, "/api/v1/apikeys", new { name = "wide", scopes = new[] { "packages:read" }, package_patterns = new[] { "acme/*" } }, key: manager, expectedStatus: 403);
        Assert.Contains("acme/*", wider.GetProperty("error").GetString(), StringComparison.Ordinal);
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/apikeys", new { name = "all", scopes = new[] { "packages:read" } }, key: manager, expectedStatus: 403);
        var (childId, _) = await CreateAsync(new { name = "core ci", scopes = new[] { "packages:read" }, package_patterns = new[] { "acme/billing-core" } }, manager);
        await _registry.JsonAsync(HttpMethod.Put, $"/api/v1/apikeys/{childId}", new { package_patterns = new[] { "acme/*" } }, key: manager, expectedStatus: 403);
        await _registry.JsonAsync(HttpMethod.Put, $"/api/v1/apikeys/{childId}", new { package_patterns = new[] { "acme/billing-*" } }, key: manager);

        // Keys reaching packages beyond the manager's are neither listed to it nor changeable by it.
        var (unlimitedId, _) = await CreateAsync(new { name = "everything", scopes = new[] { "packages:read" } });
        var listed = (await _registry.JsonAsync(HttpMethod.Get, "/api/v1/apikeys", key: manager)).GetProperty("api_keys").EnumerateArray().Select(k => k.GetProperty("id").GetString()!);
        Assert.Equal(new[] { managerId, childId }.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        await _registry.JsonAsync(HttpMethod.Post, $"/api/v1/apikeys/{unlimitedId}/rotate", new { grace_period_hours = 0 }, key: manager, expectedStatus: 403);
        await _registry.JsonAsync(HttpMethod.Delete, $"/api/v1/apikeys/{unlimitedId}", key: manager, expectedStatus: 403);

        using (var outside = await _registry.PublishComposerAsync(ComposerCli.PackageZip("acme/other", version: "1.1.0"), key: manager))
        {
            Assert.Equal(HttpStatusCode.Forbidden, outside.StatusCode);
            Assert.Contains("acme/other", await outside.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var inside = await _registry.PublishComposerAsync(ComposerCli.PackageZip("acme/billing-core", version: "1.1.0"), key: manager))
        {
            Assert.Equal(HttpStatusCode.Created, inside.StatusCode);
        }

        await _registry.JsonAsync(HttpMethod.Delete, "/api/v1/composer/packages/acme/other/versions/1.0.0", key: manager, expectedStatus: 403);
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/composer/packages/acme/other/abandon", key: manager, expectedStatus: 403);
        await _registry.JsonAsync(HttpMethod.Get, "/p2/acme/other.json"); // still there
    }

    [Fact]
    public async Task Bad_patterns_are_400_naming_the_pattern_and_terraform_reads_ignore_patterns()
    {
        foreach (var bad in new[] { "*/*", "acme", "acme/billing core", "acme/-x", "acme/" + new string('a', 200) })
        {
            var refused = await _registry.JsonAsync(HttpMethod.Post, "/api/v1/apikeys", new { name = "bad", scopes = new[] { "packages:read" }, package_patterns = new[] { bad } }, expectedStatus: 400);
            Assert.Contains($"'{bad}'", refused.GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/apikeys", new { name = "none", scopes = new[] { "packages:read" }, package_patterns = Array.Empty<string>() }, expectedStatus: 400);
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/apikeys", new { name = "null", scopes = new[] { "packages:read" }, package_patterns = new string?[] { null } }, expectedStatus: 400);
        var many = Enumerable.Range(0, 101).Select(i => $"acme/p{i}").ToArray();
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/apikeys", new { name = "many", scopes = new[] { "packages:read" }, package_patterns = many }, expectedStatus: 400);
        var (id, key) = await CreateAsync(new { name = "tf", scopes = new[] { "packages:read", "modules:read" }, package_patterns = new[] { "acme/billing-*" } });
        await _registry.JsonAsync(HttpMethod.Put, $"/api/v1/apikeys/{id}", new { package_patterns = new[] { "*" } }, expectedStatus: 400);

        // Patterns are Composer package names: the key's Terraform reads are its scopes' and namespaces' alone.
        using (var module = await _registry.PublishModuleAsync("acme", "net", "aws", "1.0.0", ModuleArchives.Greeting("1.0.0")))
        {
            Assert.Equal(HttpStatusCode.Created, module.StatusCode);
        }

        await _registry.JsonAsync(HttpMethod.Get, "/v1/modules/acme/net/aws/versions", key: key);
    }

    private async Task<(string Id, string Key)> CreateAsync(object body, string? by = null)
    {
        var created = await _registry.JsonAsync(HttpMethod.Post, "/api/v1/apikeys", body, key: by, expectedStatus: 201);
        return (created.GetProperty("id").GetString()!, created.GetProperty("key").GetString()!);
    }

    private async Task<string[]> NamesAsync(string path, string property, string key)
    {
        var document = await _registry.JsonAsync(HttpMethod.Get, path, key: key);
        return [.. document.GetProperty(property).EnumerateArray().Select(p => p.GetString()!).Order(StringComparer.Ordinal)];
    }
}
