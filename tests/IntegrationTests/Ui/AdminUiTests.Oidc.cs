using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace OrleansRegistry.IntegrationTests.Ui;

/// <summary>A person signed in through the organization's OpenID Connect provider, with the role their group maps to.</summary>
public sealed partial class AdminUiTests
{
    [Fact]
    public async Task A_person_signs_in_with_their_organizations_account_and_sees_that_organizations_modules_only()
    {
        await using var ui = await browser.NewPageAsync(BaseUrl);
        // The provider's development login page imports a web font from the internet, which the test machines do not
        // reach: it gets an empty stylesheet instead of a failed load.
        await ui.Context.RouteAsync("https://fonts.googleapis.com/**", route => route.FulfillAsync(new() { Status = 200, ContentType = "text/css", Body = "" }));
        var page = ui.Page;
        await page.GotoAsync("/ui");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/ui/signin\?return_url=%2Fui$"));
        await CheckAsync(ui, "signin-with-oidc");

        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in with your organization's account" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"^{Regex.Escape(fixture.Provider.Issuer)}/interaction/"));
        await page.Locator("input[name=login]").FillAsync("alice");
        await page.Locator("input[name=password]").FillAsync("any");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign-in" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();

        // Back in the registry, signed in by name, in the catalog of acme (whose platform team alice is in).
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"^{Regex.Escape(BaseUrl)}/ui$"));
        await Assertions.Expect(page.Locator(".who")).ToContainTextAsync("Signed in as User alice");
        var results = page.GetByRole(AriaRole.List, new() { Name = "Packages" }).GetByRole(AriaRole.Link);
        await Assertions.Expect(results.Filter(new() { HasTextString = "acme/greeting/null" })).ToHaveCountAsync(1);
        Assert.All(await results.AllTextContentsAsync(), name => Assert.StartsWith("acme/", name.Trim(), StringComparison.Ordinal));
        await CheckAsync(ui, "oidc-person-catalog");

        // Both namespaces have a greeting module; the search finds acme's only.
        await page.GotoAsync("/ui?q=greeting");
        await Assertions.Expect(results).ToHaveTextAsync(["acme/greeting/null"]);
        var response = await page.GotoAsync("/ui/modules/globex/greeting/null");
        Assert.Equal(404, response!.Status);
        Assert.Single(ui.TakeErrors(), e => e.EndsWith("the server responded with a status of 404 ()", StringComparison.Ordinal));

        // devops manages mirrors and namespaces, not keys: no keys link, and the page itself is refused.
        await page.GotoAsync("/ui");
        var links = MainNav(page).GetByRole(AriaRole.Link);
        await Assertions.Expect(links).ToHaveTextAsync(["Catalog", "Getting started", "Namespaces", "Organizations", "Mirrors", "API reference"]);
        await ExpectRefusedPageAsync(ui, "/ui/admin/keys", "oidc-person-keys-refused");
    }
}
