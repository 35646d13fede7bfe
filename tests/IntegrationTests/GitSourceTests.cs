using System.Text;
using System.Text.Json;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests;

/// <summary>
/// Git repositories (made with the git CLI, synced over file://) as sources of Composer packages and Terraform
/// modules, installed by the real composer and terraform.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class GitSourceTests(PostgresServer postgres) : IAsyncLifetime
{
    private RegistryInstance _registry = null!;

    public async Task InitializeAsync()
    {
        _registry = await RegistryInstance.StartAsync(await postgres.CreateDatabaseAsync(), settings: new Dictionary<string, string?> { ["Mirrors:FirstSyncDelay"] = "01:00:00" });
        await _registry.CreateNamespaceAsync("acme");
    }

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    private static string Manifest(string name, string description, bool requirePhp = false) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["name"] = name,
        ["description"] = description,
        ["type"] = "library",
        ["autoload"] = new Dictionary<string, object> { ["psr-4"] = new Dictionary<string, string> { ["Acme\\Widget\\"] = "src/" } },
        ["require"] = requirePhp ? new Dictionary<string, string> { ["php"] = ">=7.4" } : new Dictionary<string, string>(),
    });

    private static string Widget(string says) => $"<?php\nnamespace Acme\\Widget;\nclass Widget {{ const SAYS = '{says}'; }}\n";

    [Fact]
    public async Task Composer_sources_publish_each_tag_from_its_own_commit_and_branches_as_dev_versions()
    {
        var repo = GitRepo.Create();
        repo.Write("composer.json", Manifest("acme/widget", "first")).Write("src/Widget.php", Widget("1.0"))
            .Write("packages/tool/composer.json", Manifest("acme/tool", "the tool")).Write("packages/tool/src/Widget.php", Widget("tool"));
        var v100 = repo.Commit("first");
        repo.Git("tag", "-a", "v1.0.0", "-m", "1.0.0");
        repo.Write("composer.json", Manifest("acme/widget", "second", requirePhp: true)).Write("src/Widget.php", Widget("1.1"));
        var v110 = repo.Commit("second");
        repo.Git("tag", "v1.1.0");
        repo.Git("tag", "not-a-version");
        repo.Write("composer.json", Manifest("acme/widget", "main")).Write("src/Widget.php", Widget("main"));
        repo.Commit("work on main");
        repo.Git("branch", "2.x");

        var widget = await CreateSourceAsync(new { kind = "composer-git", url = repo.Url, @namespace = "acme" });
        var tool = await CreateSourceAsync(new { kind = "composer-git", name = "tool", url = repo.Url, @namespace = "acme", path = "packages/tool" });
        Assert.Equal(repo.Url, widget.GetProperty("url").GetString());
        var first = await SyncAsync(widget, 1);
        Assert.True(first.GetProperty("result").GetString() == "succeeded", first.ToString());
        Assert.Equal(4, first.GetProperty("versions_added").GetInt32()); // v1.0.0, v1.1.0, dev-main, 2.x-dev
        Assert.Equal("succeeded", (await SyncAsync(tool, 1)).GetProperty("result").GetString());

        // Each tag carries its own composer.json and its commit as the reference.
        var tags = await _registry.JsonAsync(HttpMethod.Get, "/p2/acme/widget.json");
        var versions = tags.GetProperty("packages").GetProperty("acme/widget");
        var expanded = versions.EnumerateArray().ToList();
        Assert.Equal(["v1.1.0", "v1.0.0"], expanded.Select(v => v.GetProperty("version").GetString())); // the tag names, as Packagist shows them
        Assert.Equal(v110, expanded[0].GetProperty("dist").GetProperty("reference").GetString());
        Assert.Equal("second", expanded[0].GetProperty("description").GetString());
        Assert.True(expanded[0].TryGetProperty("require", out _));
        var dev = await _registry.JsonAsync(HttpMethod.Get, "/p2/acme/widget~dev.json");
        Assert.Contains("dev-main", dev.ToString(), StringComparison.Ordinal);
        Assert.Contains("2.x-dev", dev.ToString(), StringComparison.Ordinal);

        var composer = new ComposerCli(_registry);
        var reader = await _registry.CreateKeyAsync(["packages:read"]);
        var project = composer.NewProject();
        var installed = await composer.RunAsync(project, reader, "require", "acme/widget:1.0.0", "acme/tool:^1.0");
        Assert.True(installed.ExitCode == 0, installed.Output);
        Assert.Contains("'1.0'", await File.ReadAllTextAsync(Path.Combine(project, "vendor/acme/widget/src/Widget.php")), StringComparison.Ordinal);
        Assert.Contains("\"first\"", await File.ReadAllTextAsync(Path.Combine(project, "vendor/acme/widget/composer.json")), StringComparison.Ordinal);
        Assert.Contains("'tool'", await File.ReadAllTextAsync(Path.Combine(project, "vendor/acme/tool/src/Widget.php")), StringComparison.Ordinal);
        var lockFile = await File.ReadAllTextAsync(Path.Combine(project, "composer.lock"));
        Assert.Contains(v100, lockFile, StringComparison.Ordinal);

        var devProject = composer.NewProject();
        var devInstalled = await composer.RunAsync(devProject, reader, "require", "acme/widget:dev-main");
        Assert.True(devInstalled.ExitCode == 0, devInstalled.Output);
        Assert.Contains("'main'", await File.ReadAllTextAsync(Path.Combine(devProject, "vendor/acme/widget/src/Widget.php")), StringComparison.Ordinal);

        // Unchanged refs cost nothing, and nothing published changes.
        var shasum = expanded[0].GetProperty("dist").GetProperty("shasum").GetString();
        var again = await SyncAsync(widget, 2);
        Assert.Equal("succeeded", again.GetProperty("result").GetString());
        Assert.Equal(0, again.GetProperty("versions_added").GetInt32());
        Assert.Equal(4, again.GetProperty("versions_skipped").GetInt32());

        // A moved tag is reported and not republished; a moved branch is republished.
        repo.Write("src/Widget.php", Widget("moved"));
        var moved = repo.Commit("moved");
        repo.Git("tag", "-f", "v1.1.0", moved);
        var third = await SyncAsync(widget, 3);
        Assert.Equal("partial", third.GetProperty("result").GetString());
        Assert.Contains($"tag v1.1.0 moved from {v110[..12]} to {moved[..12]}", third.GetProperty("errors")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(1, third.GetProperty("versions_added").GetInt32());
        var after = (await _registry.JsonAsync(HttpMethod.Get, "/p2/acme/widget.json")).GetProperty("packages").GetProperty("acme/widget")[0];
        Assert.Equal(v110, after.GetProperty("dist").GetProperty("reference").GetString());
        Assert.Equal(shasum, after.GetProperty("dist").GetProperty("shasum").GetString());
        Assert.Contains(moved, (await _registry.JsonAsync(HttpMethod.Get, "/p2/acme/widget~dev.json")).ToString(), StringComparison.Ordinal);

        // The lock file made before still installs the same bytes.
        Directory.Delete(Path.Combine(project, "vendor"), recursive: true);
        var reinstall = await composer.RunAsync(project, reader, "install");
        Assert.True(reinstall.ExitCode == 0, reinstall.Output);
        Assert.Contains("'1.0'", await File.ReadAllTextAsync(Path.Combine(project, "vendor/acme/widget/src/Widget.php")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Module_sources_publish_tags_matching_the_pattern_and_terraform_installs_them()
    {
        var repo = GitRepo.Create();
        repo.Write("README.md", "# infra\n").Write("modules/net/main.tf", "output \"greeting\" { value = \"net 1.0.0\" }\n");
        repo.Commit("one");
        repo.Git("tag", "v1.0.0");
        repo.Write("modules/net/main.tf", "output \"greeting\" { value = \"net 1.2.0\" }\n");
        repo.Commit("two");
        repo.Git("tag", "-a", "v1.2.0", "-m", "1.2.0");
        repo.Git("tag", "release-3");
        repo.Git("tag", "vnext");
        repo.Write("modules/net/main.tf", "output \"greeting\" { value = \"unreleased\" }\n");
        repo.Commit("three");

        var source = await CreateSourceAsync(new { kind = "terraform-module-git", url = repo.Url, @namespace = "acme", name = "net", system = "aws", path = "modules/net" });
        Assert.Equal("net", source.GetProperty("name").GetString());
        Assert.Equal("v*", source.GetProperty("tag_pattern").GetString());
        var sync = await SyncAsync(source, 1);
        Assert.True(sync.GetProperty("result").GetString() == "succeeded", sync.ToString());
        Assert.Equal(2, sync.GetProperty("versions_added").GetInt32());

        var versions = await _registry.JsonAsync(HttpMethod.Get, "/v1/modules/acme/net/aws/versions");
        Assert.Equal(["1.2.0", "1.0.0"], versions.GetProperty("modules")[0].GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetString()).Order().Reverse());

        var reader = await _registry.CreateKeyAsync(["modules:read"]);
        var dir = TerraformCli.NewWorkDir($$"""
            module "net" {
              source  = "{{_registry.Host}}/acme/net/aws"
              version = "~> 1.0"
            }
            output "out" { value = module.net.greeting }
            """);
        Assert.Equal(0, (await TerraformCli.RunAsync(dir, _registry, reader, "init", "-no-color")).ExitCode);
        var apply = await TerraformCli.RunAsync(dir, _registry, reader, "apply", "-auto-approve", "-no-color");
        Assert.True(apply.ExitCode == 0, apply.Output);
        Assert.Equal("net 1.2.0", (await TerraformCli.RunAsync(dir, _registry, reader, "output", "-raw", "out")).Output.Trim());
    }

    [Fact]
    public async Task Source_settings_are_validated()
    {
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/mirrors", new { kind = "composer-git", url = "git@github.com:acme/x.git", @namespace = "acme" }, expectedStatus: 400);
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/mirrors", new { kind = "composer-git", url = "https://user:pw@git.acme.test/x.git", @namespace = "acme" }, expectedStatus: 400);
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/mirrors", new { kind = "composer-git", url = "https://git.acme.test/x.git", @namespace = "nowhere" }, expectedStatus: 404);
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/mirrors", new { kind = "composer-git", url = "https://git.acme.test/x.git", @namespace = "acme", path = "../etc" }, expectedStatus: 400);
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/mirrors", new { kind = "terraform-module-git", url = "https://git.acme.test/x.git", @namespace = "acme", name = "net" }, expectedStatus: 400);
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/mirrors", new { kind = "terraform-module-git", url = "https://git.acme.test/x.git", @namespace = "acme", name = "net", system = "aws", tag_pattern = "v**" }, expectedStatus: 400);

        // An unreachable repository fails the sync with git's reason.
        var missing = await CreateSourceAsync(new { kind = "composer-git", url = "file:///nonexistent/repo", @namespace = "acme" });
        var failed = await SyncAsync(missing, 1);
        Assert.Equal("failed", failed.GetProperty("result").GetString());
        Assert.Contains("cannot fetch file:///nonexistent/repo", failed.GetProperty("errors")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signed_webhooks_trigger_a_sync_and_unsigned_ones_change_nothing()
    {
        var repo = GitRepo.Create();
        repo.Write("composer.json", Manifest("acme/hooked", "hooked")).Write("src/Widget.php", Widget("1"));
        repo.Commit("one");
        repo.Git("tag", "v1.0.0");
        var source = await CreateSourceAsync(new { kind = "composer-git", url = repo.Url, @namespace = "acme" });
        var id = source.GetProperty("id").GetString()!;
        var secret = source.GetProperty("webhook_secret").GetString()!;
        Assert.EndsWith($"/api/v1/webhooks/{id}", source.GetProperty("webhook_url").GetString(), StringComparison.Ordinal);
        Assert.False((await _registry.JsonAsync(HttpMethod.Get, $"/api/v1/mirrors/{id}")).TryGetProperty("webhook_secret", out _));
        await SyncAsync(source, 1);

        repo.Write("src/Widget.php", Widget("2"));
        repo.Commit("two");
        repo.Git("tag", "v2.0.0");
        var body = Encoding.UTF8.GetBytes("""{"ref":"refs/tags/v2.0.0","after":"0000"}""");

        // Wrong signature, a signature of another body, no signature: 401, and no sync.
        Assert.Equal(401, await DeliverAsync(id, body, ("X-Hub-Signature-256", "sha256=" + Hmac(body, "guess")), ("X-GitHub-Event", "push")));
        Assert.Equal(401, await DeliverAsync(id, body, ("X-Hub-Signature-256", "sha256=" + Hmac("{}"u8.ToArray(), secret)), ("X-GitHub-Event", "push")));
        Assert.Equal(401, await DeliverAsync(id, body, ("X-GitHub-Event", "push")));
        Assert.Equal(401, await DeliverAsync(id, body, ("X-Gitlab-Token", "guess"), ("X-Gitlab-Event", "Push Hook")));
        Assert.Equal(404, await DeliverAsync("unknownmirror", body, ("X-Gitlab-Token", secret)));
        Assert.Single((await _registry.JsonAsync(HttpMethod.Get, $"/api/v1/mirrors/{id}/history")).GetProperty("syncs").EnumerateArray());

        // A signed GitHub push: 202 and a sync that publishes the new tag; the same delivery again is ignored.
        Assert.Equal(202, await DeliverAsync(id, body, ("X-Hub-Signature-256", "sha256=" + Hmac(body, secret)), ("X-GitHub-Event", "push"), ("X-GitHub-Delivery", "delivery-1")));
        var hooked = await ProviderMirrorTests.WaitForSyncAsync(_registry.Api, id, 2);
        Assert.Equal("webhook (github push)", hooked.GetProperty("trigger").GetString());
        Assert.Equal(2, hooked.GetProperty("versions_added").GetInt32()); // v2.0.0, and dev-main at its new commit
        Assert.Contains("v2.0.0", (await _registry.JsonAsync(HttpMethod.Get, "/p2/acme/hooked.json")).ToString(), StringComparison.Ordinal);
        Assert.Equal(200, await DeliverAsync(id, body, ("X-Hub-Signature-256", "sha256=" + Hmac(body, secret)), ("X-GitHub-Event", "push"), ("X-GitHub-Delivery", "delivery-1")));
        Assert.Equal(200, await DeliverAsync(id, body, ("X-Hub-Signature-256", "sha256=" + Hmac(body, secret)), ("X-GitHub-Event", "ping")));

        // GitLab's token header works the same way.
        Assert.Equal(202, await DeliverAsync(id, body, ("X-Gitlab-Token", secret), ("X-Gitlab-Event", "Tag Push Hook")));
        await ProviderMirrorTests.WaitForSyncAsync(_registry.Api, id, 3);

        var history = await _registry.JsonAsync(HttpMethod.Get, $"/api/v1/mirrors/{id}/history");
        Assert.Equal(
            ["gitlab Tag Push Hook", "github ping", "github push", "github push"],
            history.GetProperty("deliveries").EnumerateArray().Select(d => $"{d.GetProperty("sender").GetString()} {d.GetProperty("event").GetString()}"));

        // A rotated secret replaces the old one at once.
        var rotated = await _registry.JsonAsync(HttpMethod.Post, $"/api/v1/mirrors/{id}/webhook-secret");
        Assert.NotEqual(secret, rotated.GetProperty("webhook_secret").GetString());
        Assert.Equal(401, await DeliverAsync(id, body, ("X-Gitlab-Token", secret), ("X-Gitlab-Event", "Push Hook")));
        Assert.Equal(202, await DeliverAsync(id, body, ("X-Gitlab-Token", rotated.GetProperty("webhook_secret").GetString()!), ("X-Gitlab-Event", "Push Hook")));
    }

    private static string Hmac(byte[] body, string secret) =>
        Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private async Task<int> DeliverAsync(string id, byte[] body, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/webhooks/{id}") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _registry.Client.SendAsync(request);
        return (int)response.StatusCode;
    }

    private async Task<JsonElement> CreateSourceAsync(object body) =>
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/mirrors", body, expectedStatus: 201);

    private async Task<JsonElement> SyncAsync(JsonElement source, int number)
    {
        var id = source.GetProperty("id").GetString()!;
        await _registry.JsonAsync(HttpMethod.Post, $"/api/v1/mirrors/{id}/sync", expectedStatus: 202);
        return await ProviderMirrorTests.WaitForSyncAsync(_registry.Api, id, number);
    }
}
