using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests;

/// <summary>The real terraform CLI installing modules from a registry over HTTPS with a token.</summary>
[Collection(PostgresCollection.Name)]
public sealed class TerraformModuleEndToEndTests(PostgresServer postgres) : IAsyncLifetime
{
    private RegistryInstance _registry = null!;

    public async Task InitializeAsync()
    {
        _registry = await RegistryInstance.StartAsync(await postgres.CreateDatabaseAsync());
        await _registry.CreateNamespaceAsync("acme");
        await _registry.CreateNamespaceAsync("globex");
        foreach (var version in new[] { "1.0.0", "1.1.0", "2.0.0" })
        {
            using var published = await _registry.PublishModuleAsync("acme", "greeting", "null", version, ModuleArchives.Greeting(version));
            Assert.Equal(System.Net.HttpStatusCode.Created, published.StatusCode);
        }

        // A GitHub-style archive: everything under one top folder.
        using var nested = await _registry.PublishModuleAsync("acme", "nested", "null", "v3.0.0", ModuleArchives.Greeting("3.0.0", prefix: "nested-3.0.0/"));
        Assert.Equal(System.Net.HttpStatusCode.Created, nested.StatusCode);
    }

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    private string Config(string source, string version, string output = "greeting") => $$"""
        module "m" {
          source  = "{{_registry.Host}}/{{source}}"
          version = "{{version}}"
        }
        output "out" {
          value = module.m.{{output}}
        }
        """;

    private async Task<string> ApplyAsync(string mainTf, string token)
    {
        var dir = TerraformCli.NewWorkDir(mainTf);
        var init = await TerraformCli.RunAsync(dir, _registry, token, "init", "-no-color");
        Assert.True(init.ExitCode == 0, init.Output);
        var apply = await TerraformCli.RunAsync(dir, _registry, token, "apply", "-auto-approve", "-no-color");
        Assert.True(apply.ExitCode == 0, apply.Output);
        var output = await TerraformCli.RunAsync(dir, _registry, token, "output", "-raw", "out");
        Assert.True(output.ExitCode == 0, output.Output);
        return output.Output.Trim();
    }

    [Fact]
    public async Task Init_picks_the_newest_version_matching_the_constraint()
    {
        var reader = await _registry.CreateKeyAsync(["modules:read"], ["acme"]);
        Assert.Equal("hello from 1.1.0", await ApplyAsync(Config("acme/greeting/null", "~> 1.0"), reader));
        Assert.Equal("hello from 2.0.0", await ApplyAsync(Config("acme/greeting/null", ">= 1.0.0"), reader));
    }

    [Fact]
    public async Task A_module_in_a_subdirectory_of_the_archive_installs()
    {
        var reader = await _registry.CreateKeyAsync(["modules:read"]);
        // The registry found the module under the archive's single top folder and told Terraform so.
        Assert.Equal("hello from 3.0.0", await ApplyAsync(Config("acme/nested/null", "3.0.0"), reader));
        // Terraform's own //subdir syntax on a registry address.
        Assert.Equal("sub of 1.0.0", await ApplyAsync(Config("acme/greeting/null//modules/sub", "1.0.0", output: "sub"), reader));
    }

    [Fact]
    public async Task Init_fails_without_a_token()
    {
        var dir = TerraformCli.NewWorkDir(Config("acme/greeting/null", "1.0.0"));
        var init = await TerraformCli.RunAsync(dir, _registry, token: null, "init", "-no-color");
        Assert.NotEqual(0, init.ExitCode);
        Assert.Contains("401", init.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Init_fails_with_a_key_limited_to_another_namespace()
    {
        var other = await _registry.CreateKeyAsync(["modules:read"], ["globex"]);
        var dir = TerraformCli.NewWorkDir(Config("acme/greeting/null", "1.0.0"));
        var init = await TerraformCli.RunAsync(dir, _registry, other, "init", "-no-color");
        Assert.NotEqual(0, init.ExitCode);
        Assert.Contains("403", init.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Init_fails_with_a_revoked_key()
    {
        var created = await _registry.JsonAsync(HttpMethod.Post, "/api/v1/apikeys", new { name = "soon revoked", scopes = new[] { "modules:read" } }, expectedStatus: 201);
        await _registry.JsonAsync(HttpMethod.Delete, $"/api/v1/apikeys/{created.GetProperty("id").GetString()}");
        var dir = TerraformCli.NewWorkDir(Config("acme/greeting/null", "1.0.0"));
        var init = await TerraformCli.RunAsync(dir, _registry, created.GetProperty("key").GetString(), "init", "-no-color");
        Assert.NotEqual(0, init.ExitCode);
    }
}
