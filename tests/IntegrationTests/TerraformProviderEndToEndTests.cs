using System.Net;
using System.Text.Json;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests;

/// <summary>
/// Providers published as a release pipeline makes them (gpg-signed SHA256SUMS) or registry-signed, installed by the
/// real terraform through the provider registry protocol and through the network mirror protocol.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TerraformProviderEndToEndTests(PostgresServer postgres) : IAsyncLifetime
{
    private static readonly string[] Platforms = ["linux_amd64", "darwin_arm64"];
    private RegistryInstance _registry = null!;
    private GnuPg _pipeline = null!;

    public async Task InitializeAsync()
    {
        _registry = await RegistryInstance.StartAsync(await postgres.CreateDatabaseAsync());
        await _registry.CreateNamespaceAsync("acme");
        await _registry.CreateNamespaceAsync("globex");
        _pipeline = new GnuPg();
        var key = await _registry.JsonAsync(HttpMethod.Post, "/api/v1/namespaces/acme/gpg-keys", new { ascii_armor = _pipeline.PublicKeyArmor }, expectedStatus: 201);
        Assert.Matches("^[0-9A-F]{16}$", key.GetProperty("key_id").GetString());

        var signed = ProviderRelease.Create("hello", "1.0.0", Platforms, _pipeline);
        using (var published = await _registry.SendAsync(HttpMethod.Post, "/api/v1/providers", content: signed.Form("acme", "hello", "1.0.0")))
        {
            Assert.True(published.StatusCode == HttpStatusCode.Created, await published.Content.ReadAsStringAsync());
        }

        var unsigned = ProviderRelease.Create("world", "2.0.0", Platforms, signer: null);
        using (var published = await _registry.SendAsync(HttpMethod.Post, "/api/v1/providers", content: unsigned.Form("acme", "world", "2.0.0")))
        {
            var body = await published.Content.ReadAsStringAsync();
            Assert.True(published.StatusCode == HttpStatusCode.Created, body);
            Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("registry_signed").GetBoolean());
        }
    }

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    private static string Requires(string source) => $$"""
        terraform {
          required_providers {
            p = {
              source  = "{{source}}"
            }
          }
        }
        """;

    [Theory]
    [InlineData("hello", "1.0.0")]
    [InlineData("world", "2.0.0")]
    public async Task Init_installs_a_signed_provider_through_the_registry_protocol(string type, string version)
    {
        var reader = await _registry.CreateKeyAsync(["providers:read"], ["acme"]);
        var dir = TerraformCli.NewWorkDir(Requires($"{_registry.Host}/acme/{type}"));
        var init = await TerraformCli.RunAsync(dir, _registry, reader, "init", "-no-color");
        Assert.True(init.ExitCode == 0, init.Output);
        Assert.Contains($"Installed {_registry.Host}/acme/{type} v{version}", init.Output, StringComparison.Ordinal);
        Assert.Contains("key ID", init.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Init_through_the_network_mirror_records_the_hashes_the_registry_advertises()
    {
        var reader = await _registry.CreateKeyAsync(["providers:read"]);
        var dir = TerraformCli.NewWorkDir(Requires("registry.acme.test/acme/hello"));
        var mirrorUrl = $"https://{_registry.Host}/terraform/providers/";
        var mirrorConfig = $$"""
            provider_installation {
              network_mirror {
                url = "{{mirrorUrl}}"
              }
            }
            """;
        var init = await TerraformCli.RunWithConfigAsync(dir, _registry, reader, mirrorConfig, "init", "-no-color");
        Assert.True(init.ExitCode == 0, init.Output);
        Assert.Contains("Installed registry.acme.test/acme/hello v1.0.0", init.Output, StringComparison.Ordinal);

        // Terraform downloads every platform's zip and computes h1: itself: it must equal what we advertise.
        var locked = await TerraformCli.RunWithConfigAsync(dir, _registry, reader, mirrorConfig,
            ["providers", "lock", "-no-color", $"-net-mirror={mirrorUrl}", .. Platforms.Select(p => $"-platform={p}")]);
        Assert.True(locked.ExitCode == 0, locked.Output);
        var advertised = await _registry.JsonAsync(HttpMethod.Get, "/terraform/providers/registry.acme.test/acme/hello/1.0.0.json", key: reader);
        var lockFile = await File.ReadAllTextAsync(Path.Combine(dir, ".terraform.lock.hcl"));
        foreach (var platform in Platforms)
        {
            var hashes = advertised.GetProperty("archives").GetProperty(platform).GetProperty("hashes").EnumerateArray().Select(h => h.GetString()!).ToList();
            Assert.Contains(hashes, h => h.StartsWith("zh:", StringComparison.Ordinal));
            var h1 = Assert.Single(hashes, h => h.StartsWith("h1:", StringComparison.Ordinal));
            Assert.Contains($"\"{h1}\"", lockFile, StringComparison.Ordinal);
        }

        var index = await _registry.JsonAsync(HttpMethod.Get, "/terraform/providers/registry.acme.test/acme/hello/index.json", key: reader);
        Assert.True(index.GetProperty("versions").TryGetProperty("1.0.0", out _));
        await _registry.JsonAsync(HttpMethod.Get, "/terraform/providers/unknown.example/acme/hello/index.json", key: reader, expectedStatus: 404);
    }

    [Fact]
    public async Task Tampered_releases_are_refused_and_nothing_is_stored()
    {
        var release = ProviderRelease.Create("tamper", "1.0.0", ["linux_amd64"], _pipeline);
        var zipName = release.Files[0];
        using (var changedZip = await _registry.SendAsync(HttpMethod.Post, "/api/v1/providers",
            content: release.Form("acme", "tamper", "1.0.0", f => f == zipName ? ProviderRelease.Zip("tamper", "1.0.0", "evil") : release.Read(f))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, changedZip.StatusCode);
            Assert.Contains("does not match its SHA256SUMS line", await changedZip.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var stranger = new GnuPg();
        var foreign = ProviderRelease.Create("tamper", "1.0.0", ["linux_amd64"], stranger);
        using (var wrongKey = await _registry.SendAsync(HttpMethod.Post, "/api/v1/providers", content: foreign.Form("acme", "tamper", "1.0.0")))
        {
            var body = await wrongKey.Content.ReadAsStringAsync();
            Assert.True(wrongKey.StatusCode == HttpStatusCode.BadRequest, body);
            Assert.True(body.Contains("not among this namespace's keys", StringComparison.Ordinal), body);
        }

        using (var badSignature = await _registry.SendAsync(HttpMethod.Post, "/api/v1/providers",
            content: release.Form("acme", "tamper", "1.0.0", f => f.EndsWith("_SHA256SUMS", StringComparison.Ordinal) ? [.. release.Read(f), .. "\n"u8.ToArray()] : release.Read(f))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badSignature.StatusCode);
            Assert.Contains("does not match", await badSignature.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await _registry.JsonAsync(HttpMethod.Get, "/v1/providers/acme/tamper/versions", expectedStatus: 404);
        var uploads = Path.Combine(_registry.DataDir, "artifacts", "providers", "uploads");
        Assert.Empty(Directory.Exists(uploads) ? Directory.GetFiles(uploads, "*.zip", SearchOption.AllDirectories).Where(f => f.Contains("tamper", StringComparison.Ordinal)) : []);
    }

    [Fact]
    public async Task Duplicates_platform_additions_deprecation_and_scopes()
    {
        // The same release again (a CI retry: same zips and SHA256SUMS, a fresh signature) is the version it made.
        var again = ProviderRelease.Create("hello", "1.0.0", Platforms, _pipeline);
        using (var repeated = await _registry.SendAsync(HttpMethod.Post, "/api/v1/providers", content: again.Form("acme", "hello", "1.0.0")))
        {
            Assert.True(repeated.StatusCode == HttpStatusCode.OK, await repeated.Content.ReadAsStringAsync());
        }

        using (var duplicate = await _registry.SendAsync(HttpMethod.Post, "/api/v1/providers",
            content: again.Form("acme", "hello", "1.0.0", f => f.EndsWith(".zip", StringComparison.Ordinal) ? ProviderRelease.Zip("hello", "1.0.0", "#!/bin/sh\necho other\n") : again.Read(f))))
        {
            Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        }

        // The registry signed "world" 2.0.0, so a platform can be added to it; its SHA256SUMS is re-signed.
        var extra = ProviderRelease.Create("world", "2.0.0", ["windows_amd64"], signer: null);
        using (var added = await _registry.SendAsync(HttpMethod.Post, "/api/v1/providers", content: extra.Form("acme", "world", "2.0.0")))
        {
            Assert.True(added.StatusCode == HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
        }

        var versions = await _registry.JsonAsync(HttpMethod.Get, "/v1/providers/acme/world/versions");
        Assert.Equal(3, versions.GetProperty("versions")[0].GetProperty("platforms").GetArrayLength());
        var download = await _registry.JsonAsync(HttpMethod.Get, "/v1/providers/acme/world/2.0.0/download/windows_amd64".Replace("windows_amd64", "windows/amd64", StringComparison.Ordinal));
        using (var sums = await _registry.Client.GetAsync(download.GetProperty("shasums_url").GetString()))
        {
            Assert.Equal(3, (await sums.Content.ReadAsStringAsync()).Trim().Split('\n').Length);
        }

        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/providers/acme/world/versions/2.0.0/deprecate", new { reason = "use 3.x" }, expectedStatus: 204);
        var warned = await _registry.JsonAsync(HttpMethod.Get, "/v1/providers/acme/world/versions");
        Assert.Contains("use 3.x", warned.GetProperty("warnings")[0].GetString(), StringComparison.Ordinal);

        var noProviders = await _registry.CreateKeyAsync(["modules:read"]);
        await _registry.JsonAsync(HttpMethod.Get, "/v1/providers/acme/hello/versions", key: noProviders, expectedStatus: 403);
        await _registry.JsonAsync(HttpMethod.Get, "/terraform/providers/registry.acme.test/acme/hello/index.json", key: noProviders, expectedStatus: 403);
        var otherNamespace = await _registry.CreateKeyAsync(["providers:write"], ["globex"]);
        await _registry.JsonAsync(HttpMethod.Get, "/v1/providers/acme/hello/1.0.0/download/linux/amd64", key: otherNamespace, expectedStatus: 403);
        using (var publishElsewhere = await _registry.SendAsync(HttpMethod.Post, "/api/v1/providers", key: otherNamespace, content: again.Form("acme", "hello", "1.0.1")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, publishElsewhere.StatusCode);
        }

        await _registry.JsonAsync(HttpMethod.Get, "/v1/providers/acme/hello/versions", key: "", expectedStatus: 401);
        var globexAdmin = await _registry.CreateKeyAsync(["namespaces:write"], ["globex"]);
        await _registry.JsonAsync(HttpMethod.Get, "/api/v1/namespaces/acme/gpg-keys", key: globexAdmin, expectedStatus: 403);
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/namespaces/acme/signing-key", key: globexAdmin, expectedStatus: 403);
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/namespaces/acme/gpg-keys", new { ascii_armor = _pipeline.PublicKeyArmor }, key: noProviders, expectedStatus: 403);
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/namespaces/acme/gpg-keys", new { ascii_armor = "not a key" }, expectedStatus: 400);
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/namespaces/acme/gpg-keys", new { ascii_armor = _pipeline.PublicKeyArmor }, expectedStatus: 409);
        var keys = await _registry.JsonAsync(HttpMethod.Get, "/api/v1/namespaces/acme/gpg-keys");
        Assert.Equal(["uploaded", "registry"], keys.GetProperty("gpg_keys").EnumerateArray().Select(k => k.GetProperty("source").GetString()));
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/namespaces/acme/signing-key", expectedStatus: 409);
    }

    [Fact]
    public async Task Versions_and_keys_can_be_deleted()
    {
        await _registry.CreateNamespaceAsync("gone");
        var release = ProviderRelease.Create("tmp", "0.1.0", ["linux_amd64"], signer: null);
        using (var published = await _registry.SendAsync(HttpMethod.Post, "/api/v1/providers", content: release.Form("gone", "tmp", "0.1.0")))
        {
            Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        }

        var download = await _registry.JsonAsync(HttpMethod.Get, "/v1/providers/gone/tmp/0.1.0/download/linux/amd64");
        await _registry.JsonAsync(HttpMethod.Delete, "/api/v1/providers/gone/tmp/versions/0.1.0", expectedStatus: 204);
        await _registry.JsonAsync(HttpMethod.Get, "/v1/providers/gone/tmp/versions", expectedStatus: 404);
        await _registry.JsonAsync(HttpMethod.Delete, "/api/v1/providers/gone/tmp/versions/0.1.0", expectedStatus: 404);
        using (var archive = await _registry.Client.GetAsync(download.GetProperty("download_url").GetString()))
        {
            Assert.Equal(HttpStatusCode.NotFound, archive.StatusCode);
        }

        var keys = await _registry.JsonAsync(HttpMethod.Get, "/api/v1/namespaces/gone/gpg-keys");
        var managed = Assert.Single(keys.GetProperty("gpg_keys").EnumerateArray()).GetProperty("key_id").GetString();
        await _registry.JsonAsync(HttpMethod.Delete, $"/api/v1/namespaces/gone/gpg-keys/{managed}", expectedStatus: 204);
        await _registry.JsonAsync(HttpMethod.Delete, $"/api/v1/namespaces/gone/gpg-keys/{managed}", expectedStatus: 404);
        Assert.Equal(0, (await _registry.JsonAsync(HttpMethod.Get, "/api/v1/namespaces/gone/gpg-keys")).GetProperty("gpg_keys").GetArrayLength());
    }
}
