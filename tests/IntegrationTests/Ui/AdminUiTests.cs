using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OrleansRegistry.ApiKeys;
using OrleansRegistry.IntegrationTests.Infrastructure;
using OrleansRegistry.IntegrationTests.Infrastructure.Ui;

namespace OrleansRegistry.IntegrationTests.Ui;

/// <summary>
/// The administration pages in a real Chromium against a real registry: API keys, mirrors, organizations, namespaces,
/// the audit log and the system page as an administrator uses them, what a viewer may not reach (pages and form posts
/// alike), and a person signed in through OIDC. Every page visited passes axe, is screenshotted, and leaves no browser
/// errors. Each change made on a page is checked through the API as well.
/// </summary>
[Collection(UiCollection.Name)]
public sealed partial class AdminUiTests(UiBrowser browser, AdminUiRegistry fixture) : IClassFixture<AdminUiRegistry>
{
    private RegistryInstance Registry => fixture.Registry;

    private string BaseUrl => $"https://{Registry.Host}";

    [Fact]
    public async Task An_admin_creates_a_key_sees_its_secret_once_then_rotates_and_revokes_it()
    {
        await using var ui = await browser.NewPageAsync(BaseUrl);
        await ui.SignInAsync(Registry.AdminKey);
        var page = ui.Page;
        await MainNav(page).GetByRole(AriaRole.Link, new() { Name = "API keys", Exact = true }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/ui/admin/keys$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("API keys"); // enhanced navigation swaps the page in after the URL
        await CheckAsync(ui, "admin-keys");

        var form = page.GetByRole(AriaRole.Form, new() { Name = "New key" });
        await form.GetByLabel("Name", new() { Exact = true }).FillAsync("ci network");
        await form.GetByLabel("modules:read", new() { Exact = true }).CheckAsync();
        await form.GetByLabel("packages:read", new() { Exact = true }).CheckAsync();
        await form.GetByLabel("Namespaces", new() { Exact = true }).FillAsync("acme");
        await form.GetByLabel("Expires on (UTC, end of day)").FillAsync("2099-12-31");
        await form.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();

        await Assertions.Expect(page.Locator("#created-key")).ToContainTextAsync("Key \"ci network\" created.");
        await CheckAsync(ui, "admin-key-created");
        var key = await UiSnippets.CopyAsync(page, "new-key-secret", "The new key");

        // What the clipboard holds is a working key, with exactly the scopes and namespace chosen.
        var token = ApiKeyToken.TryParse(key, ApiKeyToken.DefaultPrefix);
        Assert.NotNull(token);
        var modules = await Registry.JsonAsync(HttpMethod.Get, "/v1/modules", key: key);
        Assert.Equal(["acme"], modules.GetProperty("modules").EnumerateArray().Select(m => m.GetProperty("namespace").GetString()));
        await Registry.JsonAsync(HttpMethod.Get, "/api/v1/mirrors", key: key, expectedStatus: 403);

        // Shown once: the page opened again has the key in its list, and its secret nowhere.
        await page.GotoAsync("/ui/admin/keys");
        Assert.DoesNotContain(token.Secret, await page.ContentAsync(), StringComparison.Ordinal);
        await Assertions.Expect(page.GetByRole(AriaRole.Columnheader, new() { Name = "Expires", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Columnheader, new() { Name = "Last used", Exact = true })).ToBeVisibleAsync();
        var row = KeyRow(page, token.KeyId);
        await Assertions.Expect(row.GetByRole(AriaRole.Cell)).ToHaveTextAsync([
            new Regex($"^ci network\\s*{token.KeyId}$"), new Regex("^modules:read, packages:read$"), new Regex("^acme$"), new Regex("^—$"),
            new Regex("^2099-12-31 23:59 UTC$"), new Regex(@"^(not yet|\d{4}-\d\d-\d\d \d\d:\d\d UTC)$"), new Regex("Rotate"),
        ]);
        await CheckAsync(ui, "admin-keys-listed");

        // Rotated with an hour's grace: the new secret is shown once, and the old one keeps working meanwhile.
        await page.GetByLabel("When rotating, the old secret keeps working for").SelectOptionAsync("1");
        await row.GetByRole(AriaRole.Button, new() { Name = "Rotate ci network", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#rotated-key")).ToContainTextAsync("The old secret works until");
        await CheckAsync(ui, "admin-key-rotated");
        var rotated = await UiSnippets.CopyAsync(page, "rotated-key-secret", "The new secret");
        Assert.NotEqual(key, rotated);
        await Registry.JsonAsync(HttpMethod.Get, "/v1/modules", key: key);
        await Registry.JsonAsync(HttpMethod.Get, "/v1/modules", key: rotated);

        // Rotated with no grace: the secret it replaces stops at once.
        await page.GetByLabel("When rotating, the old secret keeps working for").SelectOptionAsync("0");
        await KeyRow(page, token.KeyId).GetByRole(AriaRole.Button, new() { Name = "Rotate ci network", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#rotated-key")).ToContainTextAsync("The old secret no longer works.");
        var latest = await UiSnippets.CopyAsync(page, "rotated-key-secret", "The new secret");
        await Registry.JsonAsync(HttpMethod.Get, "/v1/modules", key: rotated, expectedStatus: 401);
        await Registry.JsonAsync(HttpMethod.Get, "/v1/modules", key: latest);

        // Revoking asks first; then every client of the key is refused.
        await KeyRow(page, token.KeyId).GetByRole(AriaRole.Button, new() { Name = "Revoke ci network", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync($"Revoke the key ci network ({token.KeyId})?");
        await Registry.JsonAsync(HttpMethod.Get, "/v1/modules", key: latest);
        await CheckAsync(ui, "admin-key-revoke-confirm");
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Key \"ci network\" is revoked.");
        await Assertions.Expect(KeyRow(page, token.KeyId)).ToContainTextAsync("revoked ");
        await Registry.JsonAsync(HttpMethod.Get, "/v1/modules", key: latest, expectedStatus: 401);
        await CheckAsync(ui, "admin-key-revoked");
    }

    [Fact]
    public async Task The_sign_in_page_shows_only_the_reasons_it_knows_for_an_ended_session()
    {
        await using var ui = await browser.NewPageAsync(BaseUrl);
        var page = ui.Page;
        await page.GotoAsync("/ui/signin?ended=Call%20us%20now");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Sign in");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveCountAsync(0);
        Assert.DoesNotContain("Call us now", await page.ContentAsync(), StringComparison.Ordinal);

        await page.GotoAsync("/ui/signin?ended=revoked");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Your session ended: the API key was revoked.");
        await CheckAsync(ui, "signin-ended-known-code");
    }

    /// <summary>The page header's navigation.</summary>
    private static ILocator MainNav(IPage page) => page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });

    /// <summary>The row of the key with id <paramref name="keyId"/> in the keys table.</summary>
    private static ILocator KeyRow(IPage page, string keyId) => page.GetByRole(AriaRole.Row).Filter(new() { HasText = keyId });


    private static Task CheckAsync(UiPage ui, string name) => UiChecks.CheckAsync(ui, name);

    /// <summary>
    /// Opens <paramref name="path"/>, which must be refused with the 403 page; checks that page like any other (Chromium
    /// reports the document's own 403 as a failed load, which is the one error allowed).
    /// </summary>
    private static Task ExpectRefusedPageAsync(UiPage ui, string path, string name) => UiChecks.ExpectErrorPageAsync(ui, path, 403, "Not allowed", name);

    /// <summary>Reloads <paramref name="path"/> until <paramref name="done"/> holds on it (bounded: a minute).</summary>
    private static async Task ReloadUntilAsync(IPage page, string path, Func<IPage, Task<bool>> done)
    {
        var deadline = DateTimeOffset.UtcNow.AddMinutes(1);
        while (true)
        {
            await page.GotoAsync(path);
            if (await done(page))
            {
                return;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"{path} did not show what the test waited for within a minute");
            await Task.Delay(250);
        }
    }
}
