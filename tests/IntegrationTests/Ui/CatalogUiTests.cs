using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OrleansRegistry.IntegrationTests.Infrastructure;
using OrleansRegistry.IntegrationTests.Infrastructure.Ui;

namespace OrleansRegistry.IntegrationTests.Ui;

/// <summary>
/// The catalog part of the web UI in a real Chromium against a real registry: search, the module, provider and Composer
/// package pages, and the snippets they offer, copied through the clipboard and handed to the real terraform and
/// composer. Every page visited passes axe, is screenshotted, and leaves no browser errors. Access is in the other part.
/// </summary>
[Collection(UiCollection.Name)]
public sealed partial class CatalogUiTests(UiBrowser browser, CatalogUiRegistry catalog) : IClassFixture<CatalogUiRegistry>
{
    private RegistryInstance Registry => catalog.Registry;

    private string BaseUrl => $"https://{Registry.Host}";

    [Fact]
    public async Task A_module_found_by_search_installs_with_terraform_from_its_copied_snippet()
    {
        var reader = await Registry.CreateKeyAsync(["modules:read"]);
        await using var ui = await browser.NewPageAsync(BaseUrl);
        await ui.SignInAsync(reader);
        var page = ui.Page;
        await CheckAsync(ui, "catalog-signed-in");

        await page.GetByLabel("Search", new() { Exact = true }).FillAsync("greeting");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/ui\?q=greeting"));
        var results = page.GetByRole(AriaRole.List, new() { Name = "Packages" }).GetByRole(AriaRole.Link);
        // The other module of the namespace does not match.
        await Assertions.Expect(results).ToHaveTextAsync(["acme/greeting/null"]);
        await CheckAsync(ui, "catalog-search-results");

        await results.First.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/ui/modules/acme/greeting/null$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("acme/greeting/null 1.1.0");

        // The README's table rendered; its script was taken out before it reached the page. Its headings sit below the
        // page's, and its ids cannot clash with the page's own.
        var readme = page.Locator(".readme");
        await Assertions.Expect(readme.Locator("h3#readme-greeting")).ToHaveTextAsync("Greeting");
        await Assertions.Expect(readme.Locator("table th").First).ToHaveTextAsync("Input");
        await Assertions.Expect(readme.Locator("td").Nth(1)).ToHaveTextAsync("whom to greet");
        Assert.DoesNotContain("<script", await readme.InnerHTMLAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, await readme.Locator("script").CountAsync());
        Assert.False(await page.EvaluateAsync<bool>("() => window.readmeScriptRan === true"));
        await CheckAsync(ui, "module-page");

        var copied = await UiSnippets.CopyAsync(page, "module-snippet", "Terraform configuration");
        Assert.Contains($"source  = \"{Registry.Host}/acme/greeting/null\"", copied, StringComparison.Ordinal);
        Assert.Contains("version = \"1.1.0\"", copied, StringComparison.Ordinal);

        // Exactly what the clipboard holds is the configuration, with the same key as the browser's.
        var dir = TerraformCli.NewWorkDir(copied);
        var init = await TerraformCli.RunAsync(dir, Registry, reader, "init", "-no-color");
        Assert.True(init.ExitCode == 0, init.Output);
        Assert.Contains($"{Registry.Host}/acme/greeting/null 1.1.0", init.Output, StringComparison.Ordinal);
        var installed = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, ".terraform", "modules", "modules.json")))
            .RootElement.GetProperty("Modules").EnumerateArray().Single(m => m.GetProperty("Key").GetString() == "greeting");
        Assert.Equal("1.1.0", installed.GetProperty("Version").GetString());
        var mainTf = await File.ReadAllTextAsync(Path.Combine(dir, installed.GetProperty("Dir").GetString()!, "main.tf"));
        Assert.Contains("hello from 1.1.0", mainTf, StringComparison.Ordinal);
        ui.AssertNoErrors();
    }

    [Fact]
    public async Task The_version_picker_shows_an_older_version_with_its_deprecation()
    {
        await Registry.JsonAsync(HttpMethod.Post, "/api/v1/modules/acme/legacy/null/versions/1.0.0/deprecate", new { reason = "use 2.x" }, expectedStatus: 204);
        await using var ui = await browser.NewPageAsync(BaseUrl);
        await ui.SignInAsync(Registry.AdminKey, "/ui/modules/acme/legacy/null");
        var page = ui.Page;
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("acme/legacy/null 2.0.0");
        await Assertions.Expect(page.GetByRole(AriaRole.Note)).ToHaveCountAsync(0);

        await page.GetByLabel("Show version").SelectOptionAsync("1.0.0");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show", Exact = true }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/ui/modules/acme/legacy/null/1.0.0$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("acme/legacy/null 1.0.0");
        await Assertions.Expect(page.GetByRole(AriaRole.Note)).ToHaveTextAsync("Version 1.0.0 is deprecated: use 2.x");
        await Assertions.Expect(page.GetByLabel("Show version")).ToHaveValueAsync("1.0.0");
        await Assertions.Expect(page.Locator("#module-snippet")).ToContainTextAsync("version = \"1.0.0\"");
        await CheckAsync(ui, "module-page-deprecated-version");
        ui.AssertNoErrors();
    }

    [Fact]
    public async Task A_provider_page_lists_its_versions_and_its_copied_snippet_installs_it()
    {
        var reader = await Registry.CreateKeyAsync(["providers:read"], ["acme"]);
        await using var ui = await browser.NewPageAsync(BaseUrl);
        await ui.SignInAsync(reader, "/ui/search?kind=provider");
        var page = ui.Page;
        var results = page.GetByRole(AriaRole.List, new() { Name = "Packages" }).GetByRole(AriaRole.Link);
        await Assertions.Expect(results).ToHaveTextAsync(["acme/hello"]);
        await CheckAsync(ui, "catalog-providers");

        await results.First.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/ui/providers/acme/hello$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("acme/hello 1.0.0");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "1.0.0" });
        await Assertions.Expect(row).ToContainTextAsync("linux_amd64, darwin_arm64");
        await Assertions.Expect(row).ToContainTextAsync("(this registry's key)");
        await CheckAsync(ui, "provider-page");

        var copied = await UiSnippets.CopyAsync(page, "provider-snippet", "required_providers");
        var dir = TerraformCli.NewWorkDir(copied);
        var init = await TerraformCli.RunAsync(dir, Registry, reader, "init", "-no-color");
        Assert.True(init.ExitCode == 0, init.Output);
        Assert.Contains($"Installed {Registry.Host}/acme/hello v1.0.0", init.Output, StringComparison.Ordinal);
        ui.AssertNoErrors();
    }

    [Fact]
    public async Task A_composer_package_page_shows_its_requirements_installs_and_abandonment()
    {
        var reader = await Registry.CreateKeyAsync(["packages:read"], ["acme"]);
        await using var ui = await browser.NewPageAsync(BaseUrl);
        await ui.SignInAsync(reader, "/ui/search?q=lib&kind=composer");
        var page = ui.Page;
        var results = page.GetByRole(AriaRole.List, new() { Name = "Packages" }).GetByRole(AriaRole.Link);
        await Assertions.Expect(results).ToHaveTextAsync(["acme/lib"]);
        await results.First.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/ui/packages/acme/lib$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("acme/lib 1.2.0");
        await Assertions.Expect(Row(page, "require", "acme/util")).ToContainTextAsync("^1.0");
        await Assertions.Expect(Row(page, "require-dev", "phpunit/phpunit")).ToContainTextAsync("^11.0");
        await Assertions.Expect(Fact(page, "Installs")).ToHaveTextAsync("0");
        await CheckAsync(ui, "composer-package-page");

        var copied = await UiSnippets.CopyAsync(page, "composer-snippet", "Install");
        Assert.Equal("composer require acme/lib:^1.2", copied);
        var composer = new ComposerCli(Registry);
        var project = composer.NewProject();
        var require = await composer.RunAsync(project, reader, copied.Split(' ')[1..]);
        Assert.True(require.ExitCode == 0, require.Output);
        Assert.True(File.Exists(Path.Combine(project, "vendor", "acme", "lib", "src", "Hello.php")), require.Output);

        await Registry.JsonAsync(HttpMethod.Post, "/api/v1/composer/packages/acme/lib/abandon", new { }, expectedStatus: 204);
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Note)).ToHaveTextAsync("This package is abandoned. No replacement is suggested.");
        // Composer reported the install (notify-batch) before it exited.
        await Assertions.Expect(Fact(page, "Installs")).ToHaveTextAsync("1");
        await Assertions.Expect(page.GetByRole(AriaRole.List, new() { Name = "Versions" })).ToHaveTextAsync("1.2.0 · 1 install");
        await CheckAsync(ui, "composer-package-page-abandoned");
        ui.AssertNoErrors();
    }

    [Fact]
    public async Task The_namespace_and_getting_started_pages_open_from_the_links()
    {
        await using var ui = await browser.NewPageAsync(BaseUrl);
        await ui.SignInAsync(Registry.AdminKey, "/ui/modules/acme/network/aws");
        var page = ui.Page;

        await page.GetByRole(AriaRole.Link, new() { Name = "acme", Exact = true }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/ui/namespaces/acme$"));
        var results = page.GetByRole(AriaRole.List, new() { Name = "Packages" }).GetByRole(AriaRole.Link);
        // Every kind of the namespace, and nothing of another.
        await Assertions.Expect(results).ToContainTextAsync(["acme/greeting/null", "acme/hello", "acme/lib", "acme/network/aws"]);
        Assert.DoesNotContain("globex", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await CheckAsync(ui, "namespace-page");

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Getting started" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/ui/getting-started$"));
        await Assertions.Expect(page.Locator("#terraformrc")).ToContainTextAsync($"credentials \"{Registry.Host}\"");
        await Assertions.Expect(page.Locator("#composer-json")).ToContainTextAsync($"\"url\": \"https://{Registry.Host}\"");
        await CheckAsync(ui, "getting-started-page");
    }

    [Fact]
    public async Task Reading_pages_works_without_javascript()
    {
        await using var ui = await browser.NewPageAsync(BaseUrl, javaScriptEnabled: false);
        await ui.SignInAsync(Registry.AdminKey);
        var page = ui.Page;
        await page.GetByLabel("Search", new() { Exact = true }).FillAsync("network");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/ui\?q=network"));
        var results = page.GetByRole(AriaRole.List, new() { Name = "Packages" }).GetByRole(AriaRole.Link);
        await Assertions.Expect(results).ToHaveTextAsync(["acme/network/aws"]);

        await results.First.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/ui/modules/acme/network/aws$"));
        await Assertions.Expect(page.Locator("#module-snippet")).ToHaveTextAsync(
            $"module \"network\" {{\n  source  = \"{Registry.Host}/acme/network/aws\"\n  version = \"1.0.0\"\n}}");
        // axe runs as a script, which this browser refuses (it would wait forever): the same markup passed it above.
        await UiChecks.ScreenshotAsync(page, "module-page-without-javascript");
        ui.AssertNoErrors();
    }


    /// <summary>The row of <paramref name="package"/> in the table captioned <paramref name="caption"/>.</summary>
    private static ILocator Row(IPage page, string caption, string package) =>
        page.GetByRole(AriaRole.Table, new() { Name = caption, Exact = true }).GetByRole(AriaRole.Row).Filter(new() { HasText = package });

    /// <summary>The value of a fact in a page's details list (<c>dl.facts</c>).</summary>
    private static ILocator Fact(IPage page, string term) => page.Locator($"dl.facts dt:text-is('{term}') + dd");

    /// <summary>What every page visited must pass: axe, a screenshot kept for people, no browser errors so far.</summary>
    private static Task CheckAsync(UiPage ui, string name) => UiChecks.CheckAsync(ui, name);
}
