using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests.Chaos;

/// <summary>What the chaos load reads and writes: a module, a Composer package, a provider mirror, and the client operations on them.</summary>
public sealed class ChaosWorld(RegistryApi api, ClusterScript cluster, string mirrorId, string readerKey)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> _acknowledged = new();

    public static async Task<ChaosWorld> PrepareAsync(RegistryApi api, ClusterScript cluster, ProviderUpstream upstream, string[] platforms)
    {
        await api.CreateNamespaceAsync("chaos");
        using (var module = await api.PublishModuleAsync("chaos", "net", "aws", "1.0.0", ModuleArchives.Greeting("1.0.0")))
        {
            Assert.Equal(HttpStatusCode.Created, module.StatusCode);
        }

        using (var package = await api.PublishComposerAsync(ComposerCli.PackageZip("chaos/lib", version: "1.0.0")))
        {
            Assert.Equal(HttpStatusCode.Created, package.StatusCode);
        }

        var mirror = await api.JsonAsync(HttpMethod.Post, "/api/v1/mirrors", new
        {
            kind = "terraform-providers", name = "hashicorp", upstream_url = upstream.Url, hostname = "registry.terraform.io",
            providers = new[] { "hashicorp/*" }, platforms,
        }, expectedStatus: 201);
        var id = mirror.GetProperty("id").GetString()!;
        await api.JsonAsync(HttpMethod.Post, $"/api/v1/mirrors/{id}/sync", expectedStatus: 202);
        var first = await ProviderMirrorTests.WaitForSyncAsync(api, id, 1);
        Assert.True(first.GetProperty("result").GetString() == "succeeded", first.ToString());
        // CI's key: reads only, no hourly limit (the load makes thousands of requests in minutes).
        var reader = (await api.JsonAsync(HttpMethod.Post, "/api/v1/apikeys", new
        {
            name = "ci", scopes = new[] { "modules:read", "providers:read", "packages:read" }, rate_limit_per_hour = 0,
        }, expectedStatus: 201)).GetProperty("key").GetString()!;
        return new ChaosWorld(api, cluster, id, reader);
    }

    /// <summary>terraform init of the module and the mirrored provider, from nothing (no plugin cache).</summary>
    public async Task<(bool, string)> TerraformInitAsync()
    {
        var dir = TerraformCli.NewWorkDir($$"""
            terraform {
              required_providers {
                null = { source = "registry.terraform.io/hashicorp/null", version = "3.1.0" }
              }
            }
            module "net" {
              source  = "{{cluster.HttpsHost}}/chaos/net/aws"
              version = "1.0.0"
            }
            """);
        var mirror = $$"""
            provider_installation {
              network_mirror { url = "https://{{cluster.HttpsHost}}/terraform/providers/" }
            }
            """;
        try
        {
            var init = await TerraformCli.RunWithConfigAsync(dir, cluster.HttpsHost, cluster.CaPath, readerKey, mirror, "init", "-no-color");
            return (init.ExitCode == 0, Last(init.Output));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>composer install of the package with a fresh Composer home (so the dist is downloaded each time).</summary>
    public async Task<(bool, string)> ComposerInstallAsync()
    {
        var composer = new ComposerCli(cluster.HttpPort);
        var project = composer.NewProject(new Dictionary<string, string> { ["chaos/lib"] = "1.0.0" });
        var (code, text) = await composer.RunAsync(project, readerKey, "install");
        Directory.Delete(project, recursive: true);
        return (code == 0, Last(text));
    }

    /// <summary>Publishes module version 2.0.<paramref name="i"/>; a 201 (or 200) is an acknowledgement the registry must keep.</summary>
    public async Task<(bool, string)> PublishAsync(int i)
    {
        var version = $"2.0.{i}";
        var archive = ModuleArchives.Greeting(version);
        using var published = await api.PublishModuleAsync("chaos", "pub", "aws", version, archive);
        // 200: the registry retried a commit whose first answer was lost with a silo, and found it stored.
        var acknowledged = published.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK;
        if (acknowledged)
        {
            _acknowledged[version] = archive;
        }

        return (acknowledged, $"{(int)published.StatusCode} {await published.Content.ReadAsStringAsync()}");
    }

    /// <summary>A protocol read, as CI makes it before a download.</summary>
    public async Task<(bool, string)> ReadAsync()
    {
        using var versions = await api.SendAsync(HttpMethod.Get, "/v1/modules/chaos/net/aws/versions", readerKey);
        return (versions.StatusCode == HttpStatusCode.OK, $"{(int)versions.StatusCode} {await versions.Content.ReadAsStringAsync()}");
    }

    public Task StartSyncAsync() => api.JsonAsync(HttpMethod.Post, $"/api/v1/mirrors/{mirrorId}/sync", expectedStatus: 202);

    public async Task AssertEveryAcknowledgedPublishIsServedAsync()
    {
        Assert.NotEmpty(_acknowledged);
        var listed = (await api.JsonAsync(HttpMethod.Get, "/v1/modules/chaos/pub/aws/versions", key: readerKey))
            .GetProperty("modules")[0].GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetString()!).ToHashSet();
        foreach (var (version, archive) in _acknowledged)
        {
            Assert.Contains(version, listed);
            using var download = await api.SendAsync(HttpMethod.Get, $"/v1/modules/chaos/pub/aws/{version}/download", readerKey);
            using var file = await api.SendAsync(HttpMethod.Get, download.Headers.GetValues("X-Terraform-Get").Single(), readerKey);
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            Assert.Equal(SHA256.HashData(archive), SHA256.HashData(await file.Content.ReadAsByteArrayAsync()));
        }
    }

    /// <summary>The syncs after the first (one, or more if a silo's death cut one short) added each new platform once.</summary>
    public async Task AssertTheSyncAddedEveryPlatformOnceAsync(string[] versions)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var history = (await api.JsonAsync(HttpMethod.Get, $"/api/v1/mirrors/{mirrorId}/history")).GetProperty("syncs").EnumerateArray().ToList();
            var later = history.Where(s => s.GetProperty("number").GetInt32() > 1).ToList();
            if (later.Count > 0 && later.All(s => s.TryGetProperty("ended_at", out _)))
            {
                if (later.Any(s => s.GetProperty("result").GetString() == "succeeded"))
                {
                    Assert.Equal(versions.Length * 2, later.Sum(s => s.GetProperty("platforms_added").GetInt32()));
                    break;
                }

                await api.SendAsync(HttpMethod.Post, $"/api/v1/mirrors/{mirrorId}/sync"); // cut short: run it again
            }

            Assert.True(DateTime.UtcNow < deadline, $"the sync did not complete: {JsonSerializer.Serialize(history)}");
            await Task.Delay(500);
        }

        var index = await api.JsonAsync(HttpMethod.Get, "/terraform/providers/registry.terraform.io/hashicorp/null/index.json", key: readerKey);
        Assert.All(versions, v => Assert.True(index.GetProperty("versions").TryGetProperty(v, out _), index.ToString()));
    }

    private static string Last(string text) => text.Length > 600 ? text[^600..] : text;
}
