using System.Net;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests.Ui;

/// <summary>
/// One registry for all of <see cref="CatalogUiTests"/>, with a catalog the tests only read, or change in packages no
/// other test looks at: modules, a provider and Composer packages in <c>acme</c>, and a module in <c>globex</c> for
/// keys limited to that namespace.
/// </summary>
public sealed class CatalogUiRegistry(PostgresServer postgres) : IAsyncLifetime
{
    /// <summary>A README a publisher wrote: a table to render and a script that must never reach a reader's browser.</summary>
    public const string GreetingReadme = """
        # Greeting

        Says hello.

        | Input | Meaning |
        |-------|---------|
        | who   | whom to greet |

        <script>window.readmeScriptRan = true;</script>
        """;

    public RegistryInstance Registry { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Registry = await RegistryInstance.StartAsync(await postgres.CreateDatabaseAsync());
        await Registry.CreateNamespaceAsync("acme");
        await Registry.CreateNamespaceAsync("globex");
        foreach (var version in new[] { "1.0.0", "1.1.0" })
        {
            await PublishModuleAsync("acme", "greeting", "null", version, ModuleArchives.TarGz(new Dictionary<string, string>
            {
                ["main.tf"] = $"output \"greeting\" {{\n  value = \"hello from {version}\"\n}}\n",
                ["README.md"] = GreetingReadme,
            }));
        }

        await PublishModuleAsync("acme", "network", "aws", "1.0.0", ModuleArchives.Greeting("1.0.0"));
        await PublishModuleAsync("acme", "legacy", "null", "1.0.0", ModuleArchives.Greeting("1.0.0"));
        await PublishModuleAsync("acme", "legacy", "null", "2.0.0", ModuleArchives.Greeting("2.0.0"));
        await PublishModuleAsync("globex", "vpc", "aws", "1.0.0", ModuleArchives.Greeting("1.0.0"));

        // Registry-signed (no release pipeline key): the page shows the same either way, and no GnuPG home is needed.
        var release = ProviderRelease.Create("hello", "1.0.0", ["linux_amd64", "darwin_arm64"], signer: null);
        using (var published = await Registry.SendAsync(HttpMethod.Post, "/api/v1/providers", content: release.Form("acme", "hello", "1.0.0")))
        {
            Assert.True(published.StatusCode == HttpStatusCode.Created, await published.Content.ReadAsStringAsync());
        }

        await PublishComposerAsync(ComposerCli.PackageZip("acme/util", version: "1.0.0"));
        await PublishComposerAsync(ComposerZip("acme/lib", "1.2.0"));
    }

    public async Task DisposeAsync()
    {
        if (Registry is not null)
        {
            await Registry.DisposeAsync();
        }
    }

    /// <summary>A package with a require-dev section, which <see cref="ComposerCli.PackageZip"/> does not write.</summary>
    private static byte[] ComposerZip(string name, string version) => ModuleArchives.Zip(new Dictionary<string, string>
    {
        ["composer.json"] = $$"""
            {
              "name": "{{name}}",
              "version": "{{version}}",
              "description": "Shared library of acme",
              "type": "library",
              "license": "MIT",
              "require": { "acme/util": "^1.0" },
              "require-dev": { "phpunit/phpunit": "^11.0" },
              "autoload": { "psr-4": { "Acme\\Lib\\": "src/" } }
            }
            """,
        ["src/Hello.php"] = "<?php\nnamespace Acme\\Lib;\nclass Hello {}\n",
    });

    private async Task PublishModuleAsync(string ns, string name, string system, string version, byte[] archive)
    {
        using var published = await Registry.PublishModuleAsync(ns, name, system, version, archive);
        Assert.True(published.StatusCode == HttpStatusCode.Created, await published.Content.ReadAsStringAsync());
    }

    private async Task PublishComposerAsync(byte[] zip)
    {
        using var published = await Registry.PublishComposerAsync(zip);
        Assert.True(published.StatusCode == HttpStatusCode.Created, await published.Content.ReadAsStringAsync());
    }
}
