using System.Net;
using Microsoft.Playwright;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests.Ui;

/// <summary>Pages of a catalog longer than one: Next, Previous and First carry the entry they continue from.</summary>
public sealed partial class CatalogUiTests
{
    [Fact]
    public async Task A_namespace_of_more_packages_than_a_page_pages_forward_and_back()
    {
        // 27 Composer packages in a namespace of their own (no other test looks at it): a page of 25, then one of 2.
        await Registry.CreateNamespaceAsync("paged");
        var names = Enumerable.Range(0, 27).Select(i => $"paged/p{i:D2}").ToArray();
        foreach (var name in names)
        {
            using var published = await Registry.PublishComposerAsync(ComposerCli.PackageZip(name, version: "1.0.0"));
            Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        }

        await using var ui = await browser.NewPageAsync(BaseUrl);
        await ui.SignInAsync(Registry.AdminKey, "/ui/namespaces/paged");
        var page = ui.Page;
        var results = page.GetByRole(AriaRole.List, new() { Name = "Packages" }).Locator("a.name");
        var pager = page.GetByRole(AriaRole.Navigation, new() { Name = "Pages" });

        await Assertions.Expect(results).ToHaveTextAsync(names[..25]);
        await Assertions.Expect(pager).ToContainTextAsync("27 packages");
        await Assertions.Expect(pager.GetByRole(AriaRole.Link)).ToHaveTextAsync(["Next"]);
        await CheckAsync(ui, "namespace-paged-first");

        await pager.GetByRole(AriaRole.Link, new() { Name = "Next" }).ClickAsync();
        await Assertions.Expect(results).ToHaveTextAsync(names[25..]);
        await Assertions.Expect(pager.GetByRole(AriaRole.Link)).ToHaveTextAsync(["First", "Previous"]);
        await CheckAsync(ui, "namespace-paged-last");

        await pager.GetByRole(AriaRole.Link, new() { Name = "Previous" }).ClickAsync();
        await Assertions.Expect(results).ToHaveTextAsync(names[..25]);
        await Assertions.Expect(pager.GetByRole(AriaRole.Link)).ToHaveTextAsync(["Next"]); // nothing before the first page
        ui.AssertNoErrors();
    }
}
