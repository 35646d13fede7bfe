using System.Net;

namespace OrleansRegistry.IntegrationTests.Infrastructure;

/// <summary>What every object store's tests check of the registry on top of it: its settings for a process, and real clients installing from it.</summary>
public static class StoreUnderRegistry
{
    /// <summary>A silo process's environment for <paramref name="server"/>, with <paramref name="name"/> set to <paramref name="value"/> when given.</summary>
    public static Dictionary<string, string> SiloEnvironment(IStorageServer server, string connectionString, string? name, string? value)
    {
        var environment = RegistryProcess.SiloEnvironment(connectionString);
        foreach (var (key, setting) in server.RegistryEnvironment())
        {
            environment[key] = setting;
        }

        if (name is not null)
        {
            environment[name] = value!;
        }

        return environment;
    }

    /// <summary>composer installs a package published into <paramref name="server"/>; nothing goes to the local disk, and the store is measured.</summary>
    public static async Task ComposerInstallsAsync(PostgresServer postgres, IStorageServer server, string? prefix)
    {
        await using var registry = await RegistryInstance.StartAsync(await postgres.CreateDatabaseAsync(), settings: server.RegistrySettings(prefix));
        await registry.CreateNamespaceAsync("acme");
        using (var published = await registry.PublishComposerAsync(ComposerCli.PackageZip("acme/lib", version: "1.0.0")))
        {
            Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        }

        var local = Path.Combine(registry.DataDir, "artifacts");
        Assert.True(!Directory.Exists(local) || !Directory.EnumerateFiles(local, "*", SearchOption.AllDirectories).Any(), "an artifact went to the local disk");
        var composer = new ComposerCli(registry);
        var installed = await composer.RunAsync(composer.NewProject(), await registry.CreateKeyAsync(["packages:read"]), "require", "acme/lib:^1.0");
        Assert.True(installed.ExitCode == 0, installed.Output);
        Assert.Contains("acme/lib (1.0.0)", installed.Output, StringComparison.Ordinal);

        var metrics = await registry.MetricsClient.GetStringAsync("/metrics");
        Assert.Contains($"storage_operation_duration_seconds_count{{backend=\"{server.Kind}\",operation=\"write\"}}", metrics, StringComparison.Ordinal);
        Assert.Contains($"storage_operation_duration_seconds_count{{backend=\"{server.Kind}\",operation=\"read\"}}", metrics, StringComparison.Ordinal);
    }

    /// <summary>terraform installs and applies a module published into <paramref name="server"/>.</summary>
    public static async Task TerraformInstallsAsync(PostgresServer postgres, IStorageServer server, string? prefix)
    {
        await using var registry = await RegistryInstance.StartAsync(await postgres.CreateDatabaseAsync(), settings: server.RegistrySettings(prefix));
        await registry.CreateNamespaceAsync("acme");
        using (var published = await registry.PublishModuleAsync("acme", "greeting", "null", "1.0.0", ModuleArchives.Greeting("1.0.0")))
        {
            Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        }

        var dir = TerraformCli.NewWorkDir($$"""
            module "m" {
              source  = "{{registry.Host}}/acme/greeting/null"
              version = "1.0.0"
            }
            output "out" {
              value = module.m.greeting
            }
            """);
        var token = await registry.CreateKeyAsync(["modules:read"]);
        var init = await TerraformCli.RunAsync(dir, registry, token, "init", "-no-color");
        Assert.True(init.ExitCode == 0, init.Output);
        var apply = await TerraformCli.RunAsync(dir, registry, token, "apply", "-auto-approve", "-no-color");
        Assert.True(apply.ExitCode == 0, apply.Output);
        Assert.Equal("hello from 1.0.0", (await TerraformCli.RunAsync(dir, registry, token, "output", "-raw", "out")).Output.Trim());
    }
}
