using System.Net;
using System.Text.Json;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests.StorageEndToEnd;

/// <summary>
/// Every way an artifact gets into the registry and out to a real client, against one store in one download mode:
/// a module and a signed provider published and installed by terraform (registry protocol and network mirror), a
/// provider mirror synced from an upstream, a Composer Git source synced, a Composer package published, and composer
/// installing both, twice. The registry runs as its own process configured by REGISTRY_STORAGE_* variables.
/// </summary>
public static class StoredArtifactsScenario
{
    private const string Platform = "linux_amd64";

    /// <param name="store">The object store server; null for the local disk.</param>
    /// <param name="downloads"><c>proxy</c> or <c>redirect</c> (REGISTRY_STORAGE_DOWNLOADS).</param>
    public static async Task RunAsync(PostgresServer postgres, IStorageServer? store, string downloads)
    {
        var dataDir = Directory.CreateTempSubdirectory("storage-e2e-").FullName;
        var tls = TestCertificates.Create(Path.Combine(dataDir, "tls"));
        await using var node = await StartNodeAsync(await postgres.CreateDatabaseAsync(), dataDir, tls, store, downloads);
        await PublishAsync(node, tls);
        await InstallAsync(node, downloads);
        if (store is not null)
        {
            var local = Path.Combine(dataDir, "artifacts");
            Assert.True(!Directory.Exists(local) || !Directory.EnumerateFiles(local, "*", SearchOption.AllDirectories).Any(), "an artifact went to the local disk");
        }
    }

    /// <summary>A registry process using <paramref name="store"/> (null: the local disk) in the download mode.</summary>
    public static Task<RegistryNode> StartNodeAsync(string database, string dataDir, TestCertificates tls, IStorageServer? store, string downloads, string? adminKey = null)
    {
        var settings = store?.RegistryEnvironment() ?? [];
        settings["REGISTRY_STORAGE_DOWNLOADS"] = downloads;
        settings["Mirrors__FirstSyncDelay"] = "01:00:00";
        return RegistryNode.StartAsync(database, dataDir, tls, tls.CaPath, adminKey, settings);
    }

    /// <summary>Puts artifacts in by every way there is: uploads, a provider mirror sync, a Composer Git source sync.</summary>
    public static async Task PublishAsync(RegistryNode node, TestCertificates tls)
    {
        await node.Api.CreateNamespaceAsync("acme");
        using (var published = await node.Api.PublishModuleAsync("acme", "greeting", "null", "1.0.0", ModuleArchives.Greeting("1.0.0")))
        {
            Assert.True(published.StatusCode == HttpStatusCode.Created, await published.Content.ReadAsStringAsync());
        }

        var pipeline = new GnuPg();
        await node.Api.JsonAsync(HttpMethod.Post, "/api/v1/namespaces/acme/gpg-keys", new { ascii_armor = pipeline.PublicKeyArmor }, expectedStatus: 201);
        var release = ProviderRelease.Create("hello", "1.0.0", [Platform], pipeline);
        using (var published = await node.Api.SendAsync(HttpMethod.Post, "/api/v1/providers", content: release.Form("acme", "hello", "1.0.0")))
        {
            Assert.True(published.StatusCode == HttpStatusCode.Created, await published.Content.ReadAsStringAsync());
        }

        await using (var upstream = await ProviderUpstream.StartAsync(tls, new GnuPg()))
        {
            upstream.Add("hashicorp", "null", "3.2.0", Platform);
            await SyncAsync(node, new
            {
                kind = "terraform-providers", name = "upstream", upstream_url = upstream.Url, hostname = "up.acme.test",
                providers = new[] { "hashicorp/null" }, platforms = new[] { Platform },
            });
        }

        var repo = GitRepo.Create();
        repo.Write("composer.json", JsonSerializer.Serialize(new { name = "acme/widget", type = "library", autoload = new { psr4 = new { } } }).Replace("psr4", "psr-4", StringComparison.Ordinal))
            .Write("src/Widget.php", "<?php\nnamespace Acme\\Widget;\nclass Widget {}\n")
            .Write("modules/net/main.tf", "output \"greeting\" { value = \"net from git\" }\n");
        repo.Commit("first");
        repo.Git("tag", "v1.0.0");
        await SyncAsync(node, new { kind = "composer-git", url = repo.Url, @namespace = "acme" });
        await SyncAsync(node, new { kind = "terraform-module-git", url = repo.Url, @namespace = "acme", name = "net", system = "aws", path = "modules/net" });

        using (var published = await node.Api.PublishComposerAsync(ComposerCli.PackageZip("acme/lib", version: "1.0.0")))
        {
            Assert.True(published.StatusCode == HttpStatusCode.Created, await published.Content.ReadAsStringAsync());
        }
    }

    /// <summary>terraform and composer install everything <see cref="PublishAsync"/> put in.</summary>
    public static async Task InstallAsync(RegistryNode node, string downloads)
    {
        await ModuleInstallsAsync(node);
        await ProviderInstallsAsync(node, downloads);
        await MirroredProviderInstallsAsync(node);
        await ComposerInstallsAsync(node, downloads);
    }

    private static async Task SyncAsync(RegistryNode node, object mirror)
    {
        var id = (await node.Api.JsonAsync(HttpMethod.Post, "/api/v1/mirrors", mirror, expectedStatus: 201)).GetProperty("id").GetString()!;
        await node.Api.JsonAsync(HttpMethod.Post, $"/api/v1/mirrors/{id}/sync", expectedStatus: 202);
        var sync = await ProviderMirrorTests.WaitForSyncAsync(node.Api, id, 1);
        Assert.True(sync.GetProperty("result").GetString() == "succeeded", sync.ToString());
    }

    private static async Task ModuleInstallsAsync(RegistryNode node)
    {
        var dir = TerraformCli.NewWorkDir($$"""
            module "m" {
              source  = "{{node.Host}}/acme/greeting/null"
              version = "1.0.0"
            }
            module "git" {
              source  = "{{node.Host}}/acme/net/aws"
              version = "1.0.0"
            }
            output "out" {
              value = module.m.greeting
            }
            output "git" {
              value = module.git.greeting
            }
            """);
        var token = await node.Api.CreateKeyAsync(["modules:read"]);
        var init = await TerraformCli.RunWithConfigAsync(dir, node.Host, node.Certificates.CaPath, token, "", "init", "-no-color");
        Assert.True(init.ExitCode == 0, init.Output);
        var apply = await TerraformCli.RunWithConfigAsync(dir, node.Host, node.Certificates.CaPath, token, "", "apply", "-auto-approve", "-no-color");
        Assert.True(apply.ExitCode == 0, apply.Output);
        Assert.Contains("hello from 1.0.0", apply.Output, StringComparison.Ordinal);
        Assert.Contains("net from git", apply.Output, StringComparison.Ordinal);
    }

    private static async Task ProviderInstallsAsync(RegistryNode node, string downloads)
    {
        var reader = await node.Api.CreateKeyAsync(["providers:read"]);
        var download = await node.Api.JsonAsync(HttpMethod.Get, $"/v1/providers/acme/hello/1.0.0/download/linux/amd64", key: reader);
        var url = new Uri(download.GetProperty("download_url").GetString()!);
        if (downloads == "redirect")
        {
            Assert.True(url.Authority != node.Host, $"in redirect mode the download URL points at the store, not at the registry: {url}");
        }
        else
        {
            Assert.StartsWith($"https://{node.Host}/files/", url.AbsoluteUri, StringComparison.Ordinal);
        }

        var direct = TerraformCli.NewWorkDir(Requires($"{node.Host}/acme/hello"));
        var init = await TerraformCli.RunWithConfigAsync(direct, node.Host, node.Certificates.CaPath, reader, "", "init", "-no-color");
        Assert.True(init.ExitCode == 0, init.Output);
        Assert.Contains($"Installed {node.Host}/acme/hello v1.0.0", init.Output, StringComparison.Ordinal);

        var viaMirror = TerraformCli.NewWorkDir(Requires("registry.acme.test/acme/hello"));
        var mirrored = await TerraformCli.RunWithConfigAsync(viaMirror, node.Host, node.Certificates.CaPath, reader, MirrorConfig(node), "init", "-no-color");
        Assert.True(mirrored.ExitCode == 0, mirrored.Output);
        Assert.Contains("Installed registry.acme.test/acme/hello v1.0.0", mirrored.Output, StringComparison.Ordinal);
    }

    private static async Task MirroredProviderInstallsAsync(RegistryNode node)
    {
        var reader = await node.Api.CreateKeyAsync(["providers:read"]);
        var dir = TerraformCli.NewWorkDir(Requires("up.acme.test/hashicorp/null"));
        var init = await TerraformCli.RunWithConfigAsync(dir, node.Host, node.Certificates.CaPath, reader, MirrorConfig(node), "init", "-no-color");
        Assert.True(init.ExitCode == 0, init.Output);
        Assert.Contains("Installed up.acme.test/hashicorp/null v3.2.0", init.Output, StringComparison.Ordinal);
    }

    private static async Task ComposerInstallsAsync(RegistryNode node, string downloads)
    {
        var reader = await node.Api.CreateKeyAsync(["packages:read"]);
        var composer = new ComposerCli(node.HttpPort);
        var project = composer.NewProject();
        var installed = await composer.RunAsync(project, reader, "require", "acme/lib:^1.0", "acme/widget:^1.0");
        Assert.True(installed.ExitCode == 0, installed.Output);
        Assert.Contains("acme/lib (1.0.0)", installed.Output, StringComparison.Ordinal);
        Assert.Contains("acme/widget (v1.0.0)", installed.Output, StringComparison.Ordinal);

        // Again with the dist cache emptied: the metadata revalidates (304s) and the dists come again from the store.
        Directory.Delete(Path.Combine(project, "vendor"), recursive: true);
        Directory.Delete(Path.Combine(composer.CacheDirectory, "files"), recursive: true);
        var notModified = await NotModifiedCountAsync(node);
        var again = await composer.RunAsync(project, reader, "update");
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Contains("acme/lib (1.0.0)", again.Output, StringComparison.Ordinal);
        Assert.True(await NotModifiedCountAsync(node) > notModified, "composer's second run got no 304 for its metadata");
        var locked = await File.ReadAllTextAsync(Path.Combine(project, "composer.lock"));
        Assert.Contains($"http://127.0.0.1:{node.HttpPort}/", locked, StringComparison.Ordinal);

        var distUrl = JsonDocument.Parse(locked).RootElement.GetProperty("packages")[0].GetProperty("dist").GetProperty("url").GetString()!;
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, distUrl);
        request.Headers.Authorization = new("Bearer", reader);
        using var answer = await noRedirects.SendAsync(request);
        Assert.Equal(downloads == "redirect" ? HttpStatusCode.Redirect : HttpStatusCode.OK, answer.StatusCode);
    }

    private static async Task<double> NotModifiedCountAsync(RegistryNode node) =>
        (await node.MetricsAsync()).Split('\n')
            .Where(l => l.StartsWith("http_requests_total{", StringComparison.Ordinal) && l.Contains("status=\"304\"", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

    private static string MirrorConfig(RegistryNode node) => $$"""
        provider_installation {
          network_mirror {
            url = "https://{{node.Host}}/terraform/providers/"
          }
        }
        """;

    private static string Requires(string source) => $$"""
        terraform {
          required_providers {
            p = {
              source = "{{source}}"
            }
          }
        }
        """;
}
