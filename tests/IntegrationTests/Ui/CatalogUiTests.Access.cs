using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OrleansRegistry.ApiKeys;
using OrleansRegistry.IntegrationTests.Infrastructure.Ui;

namespace OrleansRegistry.IntegrationTests.Ui;

/// <summary>Who gets to the catalog pages: only a browser session, of a valid key, within that key's namespaces.</summary>
public sealed partial class CatalogUiTests
{
    private static readonly Regex SignInUrl = new(@"/ui/signin(\?|$)");

    [Fact]
    public async Task Without_a_session_pages_go_to_sign_in_and_a_key_in_a_header_opens_none()
    {
        await using var ui = await browser.NewPageAsync(BaseUrl);
        var page = ui.Page;
        foreach (var path in new[] { "/ui", "/ui/modules/acme/greeting/null" })
        {
            await page.GotoAsync(path);
            await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/ui/signin\\?return_url={Regex.Escape(Uri.EscapeDataString(path))}$"));
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Sign in");
        }

        await CheckAsync(ui, "signin-page");

        // A key is for clients of the API: in a header, even the admin key opens no page.
        await ui.Context.SetExtraHTTPHeadersAsync(new Dictionary<string, string> { ["Authorization"] = $"Bearer {Registry.AdminKey}" });
        await page.GotoAsync("/ui/modules/acme/greeting/null");
        await Assertions.Expect(page).ToHaveURLAsync(SignInUrl);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Sign in");
        Assert.DoesNotContain("acme/greeting", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        ui.AssertNoErrors();
    }

    [Fact]
    public async Task A_wrong_key_is_refused_on_the_sign_in_page()
    {
        await using var ui = await browser.NewPageAsync(BaseUrl);
        var page = ui.Page;
        await page.GotoAsync("/ui");

        await UiSignIn.SubmitKeyAsync(page, ApiKeyToken.Generate().Format(ApiKeyToken.DefaultPrefix));
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The API key is not valid.");
        await Assertions.Expect(page).ToHaveURLAsync(SignInUrl);
        await CheckAsync(ui, "signin-wrong-key");

        await UiSignIn.SubmitKeyAsync(page, "hunter2");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("That is not an API key of this registry");

        // Neither attempt left a session behind.
        await page.GotoAsync("/ui");
        await Assertions.Expect(page).ToHaveURLAsync(SignInUrl);
        ui.AssertNoErrors();
    }

    [Fact]
    public async Task A_key_of_another_namespace_finds_nothing_of_the_first_and_its_module_page_is_not_found()
    {
        var globex = await Registry.CreateKeyAsync(["modules:read"], ["globex"]);
        await using var ui = await browser.NewPageAsync(BaseUrl);
        await ui.SignInAsync(globex);
        var page = ui.Page;
        var results = page.GetByRole(AriaRole.List, new() { Name = "Packages" }).GetByRole(AriaRole.Link);
        await Assertions.Expect(results).ToHaveTextAsync(["globex/vpc/aws"]);
        await CheckAsync(ui, "catalog-other-namespace");

        await page.GotoAsync("/ui?q=greeting");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Nothing matches.");

        await UiChecks.ExpectErrorPageAsync(ui, "/ui/modules/acme/greeting/null", 404, "Not found", "module-page-not-found");
        Assert.DoesNotContain("hello", await page.ContentAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Revoking_the_key_ends_its_session_at_the_next_page()
    {
        var created = await Registry.JsonAsync(HttpMethod.Post, "/api/v1/apikeys", new { name = "ui session", scopes = new[] { "modules:read" } }, expectedStatus: 201);
        await using var ui = await browser.NewPageAsync(BaseUrl);
        await ui.SignInAsync(created.GetProperty("key").GetString()!, "/ui/modules/acme/greeting/null");
        var page = ui.Page;
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("acme/greeting/null 1.1.0");

        await Registry.JsonAsync(HttpMethod.Delete, $"/api/v1/apikeys/{created.GetProperty("id").GetString()}");
        await page.ReloadAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/ui/signin\?return_url=%2Fui%2Fmodules%2Facme%2Fgreeting%2Fnull&ended="));
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your session ended: the API key was revoked.");
        await CheckAsync(ui, "signin-session-ended");

        // The session cookie went with it: the next page asks to sign in again, without saying the session just ended.
        await page.GotoAsync("/ui");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/ui/signin\?return_url=%2Fui$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveCountAsync(0);
        ui.AssertNoErrors();
    }

    [Fact]
    public async Task Signing_out_from_the_header_ends_the_session()
    {
        await using var ui = await browser.NewPageAsync(BaseUrl);
        await ui.SignInAsync(Registry.AdminKey);
        var page = ui.Page;

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/ui/signin$"));
        Assert.DoesNotContain(await ui.Context.CookiesAsync(), c => c.Name.StartsWith("registry_session", StringComparison.Ordinal));
        await page.GotoAsync("/ui");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/ui/signin\?return_url=%2Fui$"));
        ui.AssertNoErrors();
    }

    [Fact]
    public async Task A_key_that_spent_its_rate_limit_keeps_its_session_and_its_pages_say_when_to_come_back()
    {
        var created = await Registry.JsonAsync(HttpMethod.Post, "/api/v1/apikeys",
            new { name = "limited", scopes = new[] { "modules:read" }, rate_limit_per_hour = 3 }, expectedStatus: 201);
        await using var ui = await browser.NewPageAsync(BaseUrl);
        await ui.SignInAsync(created.GetProperty("key").GetString()!);

        // Pages count against the key's limit: within a few of them it is spent.
        IAPIResponse? limited = null;
        for (var i = 0; i < 10 && limited is null; i++)
        {
            var response = await ui.Context.APIRequest.GetAsync("/ui", new() { MaxRedirects = 0 });
            limited = response.Status == 429 ? response : null;
            Assert.True(response.Status is 200 or 429, $"page {i} answered {response.Status}");
        }

        Assert.NotNull(limited);
        Assert.True(int.Parse(limited.Headers["retry-after"], System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Contains("Slow down", await limited.TextAsync(), StringComparison.Ordinal);

        // The session holds: the next page waits again instead of asking to sign in.
        Assert.Equal(429, (await ui.Context.APIRequest.GetAsync("/ui/getting-started", new() { MaxRedirects = 0 })).Status);
        await UiChecks.ExpectErrorPageAsync(ui, "/ui", 429, "Slow down", "rate-limited");
    }
}
