using System.Diagnostics;
using System.Text.Json;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests;

/// <summary>
/// The real <c>terraform login</c> against the registry's login.v1 service. Terraform opens the browser with
/// <c>xdg-open</c>; a stand-in on the PATH writes the URL down instead, and the test's <see cref="Browser"/> goes
/// through the registry and the OIDC provider's forms to Terraform's own listener, as a person's browser would.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TerraformLoginTests(PostgresServer postgres)
{
    [Fact]
    public async Task Terraform_login_stores_a_key_of_the_person_that_init_uses_until_it_is_revoked()
    {
        var port = PostgresServer.FreePort();
        await using var provider = await OidcProvider.StartAsync([SignInFlow.CallbackUrl(port)], new Dictionary<string, string[]> { ["alice"] = ["platform-team"] });
        await using var registry = await RegistryInstance.StartAsync(await postgres.CreateDatabaseAsync(), settings: SignInFlow.Settings(port, provider.Issuer));
        await registry.JsonAsync(HttpMethod.Post, "/api/v1/organizations", new { name = "acme" }, expectedStatus: 201);
        await registry.JsonAsync(HttpMethod.Put, "/api/v1/organizations/acme/namespaces/acme");
        using (var published = await registry.PublishModuleAsync("acme", "greeting", "null", "1.0.0", ModuleArchives.Greeting("1.0.0")))
        {
            Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync());
        }

        var home = Directory.CreateTempSubdirectory("registry-home-").FullName;
        var login = await LoginAsync(registry, provider.Issuer, home, "alice");
        Assert.True(login.ExitCode == 0, login.Output);
        var stored = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(home, ".terraform.d", "credentials.tfrc.json"))).RootElement;
        Assert.StartsWith("reg_", stored.GetProperty("credentials").GetProperty(registry.Host).GetProperty("token").GetString(), StringComparison.Ordinal);

        // The key is the person's: listed among their keys, owned in acme, expiring.
        var keys = (await registry.JsonAsync(HttpMethod.Get, "/api/v1/apikeys")).GetProperty("api_keys").EnumerateArray()
            .Where(k => k.TryGetProperty("owner", out var owner) && owner.GetProperty("kind").GetString() == "user").ToList();
        var key = Assert.Single(keys);
        Assert.Equal("acme", key.GetProperty("owner").GetProperty("organization").GetString());
        Assert.True(key.GetProperty("expires_at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddDays(29));

        var config = $$"""
            module "greeting" {
              source  = "{{registry.Host}}/acme/greeting/null"
              version = "1.0.0"
            }
            """;
        var init = await TerraformCli.RunInHomeAsync(TerraformCli.NewWorkDir(config), registry.Host, registry.Certificates.CaPath, null, "", home, "init", "-no-color");
        Assert.True(init.ExitCode == 0, init.Output);

        await registry.JsonAsync(HttpMethod.Delete, $"/api/v1/apikeys/{key.GetProperty("id").GetString()}");
        var refused = await TerraformCli.RunInHomeAsync(TerraformCli.NewWorkDir(config), registry.Host, registry.Certificates.CaPath, null, "", home, "init", "-no-color");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("401", refused.Output, StringComparison.Ordinal);
    }

    /// <summary>Runs <c>terraform login</c>, answers its "yes" prompt, and plays the browser it opens.</summary>
    private static async Task<TerraformResult> LoginAsync(RegistryInstance registry, string issuer, string home, string person)
    {
        var bin = Directory.CreateDirectory(Path.Combine(home, "bin")).FullName;
        Directory.CreateDirectory(Path.Combine(home, ".terraform.d")); // terraform 1.11 writes into it but does not create it
        var opened = Path.Combine(home, "opened-url");
        var opener = Path.Combine(bin, "xdg-open");
        await File.WriteAllTextAsync(opener, $"#!/bin/sh\nprintf '%s' \"$1\" > '{opened}.tmp' && mv '{opened}.tmp' '{opened}'\n");
        ChildProcess.Run("chmod", ["+x", opener]);

        var start = new ProcessStartInfo("terraform", ["login", "-no-color", registry.Host])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["HOME"] = home;
        start.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment["BROWSER"] = opener;
        start.Environment["SSL_CERT_FILE"] = registry.Certificates.CaPath;
        start.Environment["CHECKPOINT_DISABLE"] = "1";
        start.Environment.Remove("TF_CLI_CONFIG_FILE");
        start.Environment.Remove("SSL_CERT_DIR");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("terraform is not on the PATH");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteLineAsync("yes");
        await process.StandardInput.FlushAsync();

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (!File.Exists(opened) && !process.HasExited)
        {
            await Task.Delay(100, timeout.Token);
        }

        if (File.Exists(opened))
        {
            using var browser = new Browser(registry.Certificates);
            var (response, url) = await SignInFlow.CompleteAsync(browser, new Uri(await File.ReadAllTextAsync(opened)), issuer, person);
            Assert.True(url.Port is >= 10000 and <= 10010 && url.AbsolutePath == "/login", $"the flow ended at {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            var (handedOver, _) = await browser.GetAsync(url);
            Assert.True(handedOver.IsSuccessStatusCode, $"terraform's listener answered {(int)handedOver.StatusCode}");
            handedOver.Dispose();
        }

        await process.WaitForExitAsync(timeout.Token);
        return new TerraformResult(process.ExitCode, await stdout + await stderr);
    }
}
