using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OrleansRegistry.IntegrationTests.Infrastructure.Ui;

namespace OrleansRegistry.IntegrationTests.Ui;

/// <summary>What a viewer may not do: the pages are not offered, not opened, and their forms posted anyway change nothing.</summary>
public sealed partial class AdminUiTests
{
    private static readonly string[] ViewerScopes = ["modules:read", "providers:read", "packages:read", "mirrors:read", "namespaces:read"];

    [Fact]
    public async Task A_viewer_reaches_no_admin_page_and_the_server_refuses_its_posts_too()
    {
        var mirror = await Registry.JsonAsync(HttpMethod.Post, "/api/v1/mirrors",
            new { kind = "composer-git", name = "viewed", url = "file:///nonexistent/viewed", @namespace = "acme" }, expectedStatus: 201);
        var mirrorId = mirror.GetProperty("id").GetString()!;
        var viewer = await Registry.CreateKeyAsync(ViewerScopes);
        await using var ui = await browser.NewPageAsync(BaseUrl);
        await ui.SignInAsync(viewer);
        var page = ui.Page;

        var links = MainNav(page).GetByRole(AriaRole.Link);
        await Assertions.Expect(links).ToHaveTextAsync(["Catalog", "Getting started", "Namespaces", "Organizations", "Mirrors", "API reference"]);
        await CheckAsync(ui, "viewer-catalog");

        await ExpectRefusedPageAsync(ui, "/ui/admin/keys", "viewer-keys-refused");
        await ExpectRefusedPageAsync(ui, "/ui/admin/audit", "viewer-audit-refused");
        await ExpectRefusedPageAsync(ui, "/ui/admin/system", "viewer-system-refused");
        await ExpectRefusedPageAsync(ui, "/ui/admin/mirrors/new?kind=composer-git", "viewer-new-mirror-refused");

        // The pages a viewer may read offer no changes.
        await page.GotoAsync("/ui/admin/mirrors");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "viewed", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Composer package from Git" })).ToHaveCountAsync(0);
        await CheckAsync(ui, "viewer-mirrors");
        await page.GotoAsync($"/ui/admin/mirrors/{mirrorId}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("viewed");
        await Assertions.Expect(page.Locator("main form")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sync now" })).ToHaveCountAsync(0);
        await CheckAsync(ui, "viewer-mirror-page");
        await page.GotoAsync("/ui/admin/namespaces");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "acme", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("main form")).ToHaveCountAsync(0);
        await CheckAsync(ui, "viewer-namespaces");
        await page.GotoAsync("/ui/admin/namespaces/acme");
        await Assertions.Expect(page.Locator("main form")).ToHaveCountAsync(0);
        await CheckAsync(ui, "viewer-namespace-page");
        await page.GotoAsync("/ui/admin/organizations");
        await Assertions.Expect(page.Locator("main form")).ToHaveCountAsync(0);
        await CheckAsync(ui, "viewer-organizations");
        await page.GotoAsync("/ui/admin/organizations/acme");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Acme");
        await Assertions.Expect(page.Locator("main form")).ToHaveCountAsync(0);
        await CheckAsync(ui, "viewer-organization-page");

        // Posted anyway, with the session's cookie and its antiforgery token (from the sign-out form in the header): a page
        // that needs a scope the session lacks is refused whole (403); on a page the viewer may read, a form the page
        // does not offer them has no handler to run, and is refused as no form of the page (400). Nothing changes.
        var token = await page.Locator("input[name=__RequestVerificationToken]").First.GetAttributeAsync("value");
        Assert.False(string.IsNullOrEmpty(token));

        Assert.Equal(403, await PostFormAsync(ui, "/ui/admin/keys", token,
            ("_handler", "create-key"), ("Form.Name", "made by a viewer"), ("Scopes", "admin"), ("Form.OwnerKind", "")));
        Assert.DoesNotContain("made by a viewer", Text(await Registry.JsonAsync(HttpMethod.Get, "/api/v1/apikeys?limit=100")), StringComparison.Ordinal);
        Assert.Equal(403, await PostFormAsync(ui, "/ui/admin/mirrors/new?kind=composer-git", token,
            ("_handler", "create-mirror"), ("Form.Name", "by viewer"), ("Form.Url", "file:///nonexistent/by-viewer"), ("Form.Namespace", "acme")));
        Assert.DoesNotContain("by viewer", Text(await Registry.JsonAsync(HttpMethod.Get, "/api/v1/mirrors")), StringComparison.Ordinal);

        Assert.Equal(400, await PostFormAsync(ui, $"/ui/admin/mirrors/{mirrorId}", token, ("_handler", "sync"), ("Sync", "now")));
        Assert.Equal(400, await PostFormAsync(ui, $"/ui/admin/mirrors/{mirrorId}", token, ("_handler", "edit-mirror"), ("Form.Url", "file:///elsewhere"), ("Form.Namespace", "acme")));
        Assert.Equal(400, await PostFormAsync(ui, $"/ui/admin/mirrors/{mirrorId}", token, ("_handler", "credentials"), ("Credentials.Token", "planted")));
        Assert.Equal(400, await PostFormAsync(ui, $"/ui/admin/mirrors/{mirrorId}", token, ("_handler", "delete-mirror"), ("ConfirmDelete", "true")));
        var history = await Registry.JsonAsync(HttpMethod.Get, $"/api/v1/mirrors/{mirrorId}/history");
        Assert.Empty(history.GetProperty("syncs").EnumerateArray());
        var unchanged = await Registry.JsonAsync(HttpMethod.Get, $"/api/v1/mirrors/{mirrorId}");
        Assert.Equal("file:///nonexistent/viewed", unchanged.GetProperty("url").GetString());
        Assert.False(unchanged.GetProperty("has_credentials").GetBoolean());

        Assert.Equal(400, await PostFormAsync(ui, "/ui/admin/namespaces", token, ("_handler", "create-namespace"), ("NewName", "viewerns")));
        await Registry.JsonAsync(HttpMethod.Get, "/api/v1/namespaces/viewerns", expectedStatus: 404);
        Assert.Equal(400, await PostFormAsync(ui, "/ui/admin/namespaces/acme", token, ("_handler", "managed-key")));
        Assert.Empty((await Registry.JsonAsync(HttpMethod.Get, "/api/v1/namespaces/acme/gpg-keys")).GetProperty("gpg_keys").EnumerateArray());
        Assert.Equal(400, await PostFormAsync(ui, "/ui/admin/organizations", token, ("_handler", "create-org"), ("NewName", "viewerorg")));
        await Registry.JsonAsync(HttpMethod.Get, "/api/v1/organizations/viewerorg", expectedStatus: 404);
        Assert.Equal(400, await PostFormAsync(ui, "/ui/admin/organizations/acme", token, ("_handler", "set-role"), ("RoleName", "sneaky"), ("RoleScopes", "modules:read")));
        Assert.DoesNotContain("sneaky", Text(await Registry.JsonAsync(HttpMethod.Get, "/api/v1/organizations/acme/roles")), StringComparison.Ordinal);

        // The token was a good one: with another the sign-out form is refused, with it the session ends.
        Assert.Equal(400, await PostFormAsync(ui, "/ui/signout", "not-the-token", ("_handler", "signout")));
        await page.GotoAsync("/ui/admin/mirrors");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/ui/admin/mirrors$"));
        Assert.Equal(302, await PostFormAsync(ui, "/ui/signout", token, ("_handler", "signout")));
        await page.GotoAsync("/ui/admin/mirrors");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/ui/signin\?return_url=%2Fui%2Fadmin%2Fmirrors$"));
        ui.AssertNoErrors();
    }

    [Fact]
    public async Task The_raw_posts_refused_to_a_viewer_are_the_forms_an_admin_uses()
    {
        // The control for the test above: its 400s could also mean the form was renamed. The same posts, as an admin.
        var mirror = await Registry.JsonAsync(HttpMethod.Post, "/api/v1/mirrors",
            new { kind = "composer-git", name = "raw", url = "file:///nonexistent/raw", @namespace = "acme" }, expectedStatus: 201);
        var mirrorId = mirror.GetProperty("id").GetString()!;
        await using var ui = await browser.NewPageAsync(BaseUrl);
        await ui.SignInAsync(Registry.AdminKey);
        var token = await ui.Page.Locator("input[name=__RequestVerificationToken]").First.GetAttributeAsync("value");

        Assert.Equal(200, await PostFormAsync(ui, $"/ui/admin/mirrors/{mirrorId}", token, ("_handler", "sync"), ("Sync", "now")));
        Assert.Equal(200, await PostFormAsync(ui, "/ui/admin/organizations/acme", token, ("_handler", "set-role"), ("RoleName", "raw-role"), ("RoleScopes", "modules:read")));
        Assert.Contains("raw-role", Text(await Registry.JsonAsync(HttpMethod.Get, "/api/v1/organizations/acme/roles")), StringComparison.Ordinal);
        Assert.Equal(200, await PostFormAsync(ui, "/ui/admin/namespaces", token, ("_handler", "create-namespace"), ("NewName", "rawns")));
        await Registry.JsonAsync(HttpMethod.Get, "/api/v1/namespaces/rawns");
    }

    [Fact]
    public async Task Links_with_values_that_are_none_answer_400_or_a_page_never_a_500()
    {
        await using var ui = await browser.NewPageAsync(BaseUrl);
        await ui.SignInAsync(Registry.AdminKey);
        foreach (var (path, status, says) in new[]
        {
            ("/ui/admin/keys?page=x", 400, "page&#x27; must be a whole number"),
            ("/ui/admin/namespaces?page=99999999999", 400, "page&#x27; must be a whole number"),
            ("/ui/admin/audit?before_id=yesterday", 400, "before_id&#x27; must be a whole number"),
            ("/ui/admin/system?fresh=yes", 200, "Checked at"),
            ("/ui?q=%00", 200, "Catalog"), // PostgreSQL refuses a NUL in text: the search drops it
            ("/ui?after=module/%00/x", 200, "Catalog"),
            ("/ui?before=module/!/x", 200, "Catalog"), // nothing lies before it: the first page
            ("/ui/namespaces/acme?page=2&after=nonsense", 200, "acme"),
        })
        {
            var response = await ui.Context.APIRequest.GetAsync(path, new() { MaxRedirects = 0 });
            var html = await response.TextAsync();
            Assert.True(status == response.Status, $"{path} answered {response.Status}, not {status}: {html[..Math.Min(300, html.Length)]}");
            Assert.Contains(says, html, StringComparison.Ordinal);
        }
    }

    /// <summary>Posts a form the way a browser would, with the context's cookies; returns the status.</summary>
    private static async Task<int> PostFormAsync(UiPage ui, string path, string? antiforgeryToken, params (string Name, string Value)[] fields)
    {
        var form = ui.Context.APIRequest.CreateFormData();
        form.Append("__RequestVerificationToken", antiforgeryToken ?? "");
        foreach (var (name, value) in fields)
        {
            form.Append(name, value);
        }

        var response = await ui.Context.APIRequest.PostAsync(path, new() { Form = form, MaxRedirects = 0 });
        return response.Status;
    }
}
