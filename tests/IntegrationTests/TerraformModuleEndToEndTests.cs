using System.Text.Json;
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

    [Fact]
    public async Task Details_show_the_interface_read_from_the_root_files_at_publish()
    {
        var archive = ModuleArchives.TarGz(new Dictionary<string, string>
        {
            ["net-1.0.0/variables.tf"] = """
                variable "cidr" {
                  description = <<-EOT
                    The VPC's CIDR block {braces are fine}.
                  EOT
                  type    = string
                  default = "10.0.0.0/16"
                  validation {
                    condition     = can(cidrhost(var.cidr, 0)) # }
                    error_message = "Must be a CIDR block, not \"${var.cidr}\"."
                  }
                }
                variable "subnets" {
                  type = map(object({ cidr = string, public = optional(bool, false) }))
                }
                variable "token" {
                  type      = string
                  sensitive = true
                  default   = null
                }
                """,
            ["net-1.0.0/outputs.tf"] = "output \"id\" {\n  description = \"The VPC id\"\n  value       = null_resource.vpc.id\n}\n",
            ["net-1.0.0/versions.tf"] = "terraform {\n  required_version = \">= 1.5\"\n  required_providers {\n    null = {\n      source  = \"hashicorp/null\"\n      version = \">= 3.0\"\n    }\n  }\n}\n",
            ["net-1.0.0/main.tf"] = "resource \"null_resource\" \"vpc\" {}\nmodule \"labels\" {\n  source = \"./modules/labels\"\n}\n",
            ["net-1.0.0/broken.tf"] = "variable \"half\" {\n",
            ["net-1.0.0/modules/labels/main.tf"] = "variable \"not_the_root\" {}\n",
        });
        using var published = await _registry.PublishModuleAsync("acme", "net", "aws", "1.0.0", archive);
        Assert.Equal(System.Net.HttpStatusCode.Created, published.StatusCode);

        var root = (await _registry.JsonAsync(HttpMethod.Get, "/v1/modules/acme/net/aws/1.0.0")).GetProperty("root");
        var inputs = root.GetProperty("inputs").EnumerateArray().ToDictionary(i => i.GetProperty("name").GetString()!);
        Assert.Equal(["half", "cidr", "subnets", "token"], inputs.Keys);
        var cidr = inputs["cidr"];
        Assert.Equal(("string", "\"10.0.0.0/16\"", "The VPC's CIDR block {braces are fine}.\n", false),
            (Text(cidr, "type"), Text(cidr, "default"), Text(cidr, "description"), cidr.GetProperty("required").GetBoolean()));
        Assert.Equal("map(object({ cidr = string, public = optional(bool, false) }))", Text(inputs["subnets"], "type"));
        Assert.True(inputs["subnets"].GetProperty("required").GetBoolean());
        Assert.False(inputs["subnets"].TryGetProperty("default", out _));
        Assert.True(inputs["token"].GetProperty("sensitive").GetBoolean());

        var output = Assert.Single(root.GetProperty("outputs").EnumerateArray());
        Assert.Equal(("id", "The VPC id"), (Text(output, "name"), Text(output, "description")));
        var provider = Assert.Single(root.GetProperty("provider_dependencies").EnumerateArray());
        Assert.Equal(("null", "hashicorp", "hashicorp/null", ">= 3.0"), (Text(provider, "name"), Text(provider, "namespace"), Text(provider, "source"), Text(provider, "version")));
        var call = Assert.Single(root.GetProperty("dependencies").EnumerateArray());
        Assert.Equal(("labels", "./modules/labels"), (Text(call, "name"), Text(call, "source")));
        var resource = Assert.Single(root.GetProperty("resources").EnumerateArray());
        Assert.Equal(("null_resource", "vpc", "managed"), (Text(resource, "type"), Text(resource, "name"), Text(resource, "mode")));
        Assert.Equal(">= 1.5", Text(root, "required_version"));
        Assert.StartsWith("broken.tf:", Assert.Single(root.GetProperty("interface_warnings").EnumerateArray()).GetString(), StringComparison.Ordinal);

        // A module without variables has an empty interface, not none; the latest version's details show it too.
        var greeting = (await _registry.JsonAsync(HttpMethod.Get, "/v1/modules/acme/greeting/null")).GetProperty("root");
        Assert.Empty(greeting.GetProperty("inputs").EnumerateArray());
        Assert.Equal("greeting", Text(Assert.Single(greeting.GetProperty("outputs").EnumerateArray()), "name"));
    }

    private static string? Text(JsonElement element, string property) => element.GetProperty(property).GetString();
}
