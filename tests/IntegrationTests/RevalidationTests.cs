using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests;

/// <summary>
/// A client revalidating with If-Modified-Since never keeps an older copy: changes made within the same second as the
/// copy it holds move Last-Modified forward all the same. Composer revalidates packages.json and every p2 file this
/// way on every run. Each test starts its changes at the top of a second, so before the fix they shared one.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RevalidationTests(PostgresServer postgres) : IAsyncLifetime
{
    private RegistryInstance _registry = null!;

    public async Task InitializeAsync()
    {
        _registry = await RegistryInstance.StartAsync(await postgres.CreateDatabaseAsync());
        await _registry.CreateNamespaceAsync("acme");
    }

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    private async Task PublishComposerAsync(string name, string version)
    {
        using var response = await _registry.PublishComposerAsync(ComposerCli.PackageZip(name, version: version));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    private async Task<(string Body, DateTimeOffset LastModified)> GetAsync(string path)
    {
        using var response = await _registry.SendAsync(HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadAsStringAsync(), response.Content.Headers.LastModified!.Value);
    }

    private async Task<(HttpStatusCode Status, string Body, DateTimeOffset? LastModified)> RevalidateAsync(string path, DateTimeOffset since)
    {
        var request = _registry.Request(HttpMethod.Get, path);
        request.Headers.IfModifiedSince = since;
        using var response = await _registry.Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.LastModified);
    }

    /// <summary>Waits for the top of the next second, so what follows (a few milliseconds) happens within one second.</summary>
    private static Task TopOfSecondAsync() => Task.Delay(1000 - DateTime.UtcNow.Millisecond + 10);

    [Fact]
    public async Task A_p2_file_changed_in_the_second_of_the_copy_is_served_again()
    {
        await TopOfSecondAsync();
        await PublishComposerAsync("acme/same-second", "1.0.0");
        var (_, held) = await GetAsync("/p2/acme/same-second.json");
        await PublishComposerAsync("acme/same-second", "1.1.0");

        var (status, body, lastModified) = await RevalidateAsync("/p2/acme/same-second.json", held);
        Assert.True(status == HttpStatusCode.OK, $"revalidating a copy from {held:O} answered {status}: the 1.1.0 published since is hidden");
        Assert.Contains("\"1.1.0\"", body, StringComparison.Ordinal);
        Assert.True(lastModified > held, $"Last-Modified {lastModified:O} must be later than the copy's {held:O}");

        // And the new copy revalidates as current.
        Assert.Equal(HttpStatusCode.NotModified, (await RevalidateAsync("/p2/acme/same-second.json", lastModified!.Value)).Status);
    }

    [Fact]
    public async Task Packages_json_lists_a_package_added_in_the_second_of_the_copy()
    {
        await TopOfSecondAsync();
        await PublishComposerAsync("acme/first", "1.0.0");
        var (_, held) = await GetAsync("/packages.json");
        await PublishComposerAsync("acme/brand-new", "1.0.0");

        var (status, body, _) = await RevalidateAsync("/packages.json", held);
        Assert.True(status == HttpStatusCode.OK, $"revalidating packages.json answered {status}: acme/brand-new stays invisible to Composer");
        Assert.Contains("acme/brand-new", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_module_versions_document_changed_in_the_second_of_the_copy_is_served_again()
    {
        using (var published = await _registry.PublishModuleAsync("acme", "quick", "null", "1.0.0", ModuleArchives.Greeting("1.0.0")))
        {
            Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        }

        await TopOfSecondAsync();
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/modules/acme/quick/null/versions/1.0.0/deprecate", new { reason = "old" }, expectedStatus: 204);
        var (_, held) = await GetAsync("/v1/modules/acme/quick/null/versions");
        await _registry.JsonAsync(HttpMethod.Delete, "/api/v1/modules/acme/quick/null/versions/1.0.0/deprecate", expectedStatus: 204);

        var (status, body, _) = await RevalidateAsync("/v1/modules/acme/quick/null/versions", held);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain("deprecation", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Composer_holding_copies_from_the_same_second_installs_what_was_published_since()
    {
        var composer = new ComposerCli(_registry);
        var key = await _registry.CreateKeyAsync(["packages:read"]);
        await PublishComposerAsync("acme/moving", "1.0.0");
        var project = composer.NewProject();
        var first = await composer.RunAsync(project, key, "require", "acme/moving:^1.0");
        Assert.True(first.ExitCode == 0, first.Output);

        // What a Composer run in the same second as these changes would have cached: the p2 file and packages.json as
        // they were just before acme/moving 1.2.0 and acme/other appeared, with their Last-Modified.
        await TopOfSecondAsync();
        await PublishComposerAsync("acme/moving", "1.1.0");
        var p2 = await CachedCopyAsync("/p2/acme/moving.json");
        var packages = await CachedCopyAsync("/packages.json");
        await PublishComposerAsync("acme/moving", "1.2.0");
        await PublishComposerAsync("acme/other", "1.0.0");

        var cache = Path.GetDirectoryName(Directory.GetFiles(composer.CacheDirectory, "provider-acme~moving.json", SearchOption.AllDirectories).Single())!;
        await File.WriteAllTextAsync(Path.Combine(cache, "provider-acme~moving.json"), p2);
        await File.WriteAllTextAsync(Path.Combine(cache, "packages.json"), packages);

        var update = await composer.RunAsync(project, key, "require", "acme/moving:^1.2", "acme/other:^1.0");
        Assert.True(update.ExitCode == 0, update.Output);
        var locked = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(project, "composer.lock"))).RootElement.GetProperty("packages")
            .EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("version").GetString());
        Assert.Equal("1.2.0", locked["acme/moving"]);
        Assert.Equal("1.0.0", locked["acme/other"]);
    }

    /// <summary>A response as Composer's cache keeps it: the JSON body with its Last-Modified added.</summary>
    private async Task<string> CachedCopyAsync(string path)
    {
        using var response = await _registry.SendAsync(HttpMethod.Get, path);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        body["last-modified"] = response.Content.Headers.GetValues("Last-Modified").Single();
        return body.ToJsonString();
    }
}
