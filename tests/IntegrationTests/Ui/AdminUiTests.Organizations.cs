using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace OrleansRegistry.IntegrationTests.Ui;

/// <summary>An organization set up on its pages: its namespace, a service account with a custom role, a signing key.</summary>
public sealed partial class AdminUiTests
{
    [Fact]
    public async Task An_admin_sets_up_an_organization_with_a_namespace_a_member_a_custom_role_and_a_signing_key()
    {
        await using var ui = await browser.NewPageAsync(BaseUrl);
        await ui.SignInAsync(Registry.AdminKey);
        var page = ui.Page;
        await MainNav(page).GetByRole(AriaRole.Link, new() { Name = "Organizations", Exact = true }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/ui/admin/organizations$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Organizations"); // enhanced navigation swaps the page in after the URL
        await CheckAsync(ui, "admin-organizations");

        var newOrg = page.GetByRole(AriaRole.Form, new() { Name = "New organization" });
        await newOrg.GetByLabel("Name", new() { Exact = true }).FillAsync("initech");
        await newOrg.GetByLabel("Display name").FillAsync("Initech Corp");
        await newOrg.GetByLabel("Contact e-mail").FillAsync("ops@initech.test");
        await newOrg.GetByRole(AriaRole.Button, new() { Name = "Create organization" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Organization 'initech' created.");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Initech Corp", Exact = true })).ToBeVisibleAsync();
        var created = await Registry.JsonAsync(HttpMethod.Get, "/api/v1/organizations/initech");
        Assert.Equal("Initech Corp", created.GetProperty("display_name").GetString());
        Assert.Equal("ops@initech.test", created.GetProperty("contact_email").GetString());
        await CheckAsync(ui, "admin-organization-created");

        await MainNav(page).GetByRole(AriaRole.Link, new() { Name = "Namespaces", Exact = true }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/ui/admin/namespaces$"));
        var newNamespace = page.GetByRole(AriaRole.Form, new() { Name = "New namespace" });
        await newNamespace.GetByLabel("Name", new() { Exact = true }).FillAsync("initech");
        await newNamespace.GetByRole(AriaRole.Button, new() { Name = "Create namespace" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Namespace 'initech' created.");
        await Registry.JsonAsync(HttpMethod.Get, "/api/v1/namespaces/initech");
        await CheckAsync(ui, "admin-namespace-created");

        // The organization claims it through the API (the pages do not offer that).
        await Registry.JsonAsync(HttpMethod.Put, "/api/v1/organizations/initech/namespaces/initech");
        await page.GotoAsync("/ui/admin/organizations");
        await page.GetByRole(AriaRole.Link, new() { Name = "Initech Corp", Exact = true }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/ui/admin/organizations/initech$"));
        await Assertions.Expect(Fact(page, "Namespaces")).ToHaveTextAsync("initech");
        await Assertions.Expect(Fact(page, "Contact")).ToHaveTextAsync("ops@initech.test");
        await CheckAsync(ui, "admin-organization-page");

        // A custom role of reads, then a service account given it.
        var roleForm = page.GetByRole(AriaRole.Form, new() { Name = "Define a custom role" });
        await roleForm.GetByLabel("Role name").FillAsync("reader");
        await roleForm.GetByLabel("modules:read", new() { Exact = true }).CheckAsync();
        await roleForm.GetByLabel("packages:read", new() { Exact = true }).CheckAsync();
        await roleForm.GetByRole(AriaRole.Button, new() { Name = "Save role" }).ClickAsync();
        await Assertions.Expect(page.Locator("#org-message")).ToHaveTextAsync("Role 'reader' saved.");
        var roleRow = page.Locator("#roles + table tbody tr").Filter(new() { Has = page.Locator("td:first-child", new() { HasTextString = "reader" }) });
        await Assertions.Expect(roleRow.GetByRole(AriaRole.Cell)).ToHaveTextAsync(["reader", "modules:read, packages:read", "custom"]);
        await CheckAsync(ui, "admin-organization-role");

        var memberForm = page.GetByRole(AriaRole.Form, new() { Name = "Add a member or change a role" });
        await memberForm.GetByLabel("A service account (name)").CheckAsync();
        await memberForm.GetByLabel("E-mail or account name").FillAsync("ci");
        await memberForm.GetByLabel("Role", new() { Exact = true }).SelectOptionAsync("reader");
        await memberForm.GetByRole(AriaRole.Button, new() { Name = "Save member" }).ClickAsync();
        await Assertions.Expect(page.Locator("#org-message")).ToHaveTextAsync("ci is now reader.");
        await Assertions.Expect(page.Locator("#members + table tbody tr").GetByRole(AriaRole.Cell).First).ToHaveTextAsync("ci (service account)");
        var members = await Registry.JsonAsync(HttpMethod.Get, "/api/v1/organizations/initech/members");
        var member = Assert.Single(members.GetProperty("members").EnumerateArray());
        Assert.Equal(("service_account", "ci", "reader"), (member.GetProperty("kind").GetString(), member.GetProperty("id").GetString(), member.GetProperty("role").GetString()));
        await CheckAsync(ui, "admin-organization-member");

        // The namespace's page: the registry makes a signing key, which is then listed.
        await page.GotoAsync("/ui/admin/namespaces/initech");
        await Assertions.Expect(Fact(page, "Organization")).ToHaveTextAsync("initech");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("No keys:");
        await CheckAsync(ui, "admin-namespace-page");
        await page.GetByRole(AriaRole.Button, new() { Name = "Let the registry make and keep a signing key" }).ClickAsync();
        await Assertions.Expect(page.Locator("#ns-message")).ToHaveTextAsync("The registry made a signing key for the namespace.");
        var keys = (await Registry.JsonAsync(HttpMethod.Get, "/api/v1/namespaces/initech/gpg-keys")).GetProperty("gpg_keys");
        var keyId = Assert.Single(keys.EnumerateArray()).GetProperty("key_id").GetString()!;
        var keyRow = page.Locator("#signing-keys + form tbody tr");
        await Assertions.Expect(keyRow.GetByRole(AriaRole.Cell).First).ToHaveTextAsync(keyId);
        await Assertions.Expect(keyRow.GetByRole(AriaRole.Cell).Nth(1)).ToHaveTextAsync("registry");
        await Assertions.Expect(keyRow.GetByRole(AriaRole.Button, new() { Name = $"Remove key {keyId}" })).ToBeVisibleAsync();
        await CheckAsync(ui, "admin-namespace-signing-key");
    }
}
