using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace OrleansRegistry.IntegrationTests.Ui;

/// <summary>The audit log's filters and the system page, as the registry's administrator reads them.</summary>
public sealed partial class AdminUiTests
{
    [Fact]
    public async Task The_audit_log_shows_only_the_entries_its_filters_match()
    {
        // Entries of two kinds to tell apart: a key made and a namespace made.
        var made = await Registry.JsonAsync(HttpMethod.Post, "/api/v1/apikeys", new { name = "audited", scopes = new[] { "modules:read" } }, expectedStatus: 201);
        var keyId = made.GetProperty("id").GetString()!;
        await Registry.CreateNamespaceAsync("audited");
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var tomorrow = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        await using var ui = await browser.NewPageAsync(BaseUrl);
        await ui.SignInAsync(Registry.AdminKey);
        var page = ui.Page;
        await MainNav(page).GetByRole(AriaRole.Link, new() { Name = "Audit log", Exact = true }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/ui/admin/audit$"));
        var actions = page.Locator("main table tbody tr td:nth-child(3)");
        await Assertions.Expect(actions.Filter(new() { HasTextString = "namespace.create" }).First).ToBeVisibleAsync();
        await CheckAsync(ui, "admin-audit");

        var filters = page.GetByRole(AriaRole.Search, new() { Name = "Audit filters" });
        await filters.GetByLabel("Action").FillAsync("apikey.*");
        await filters.GetByLabel("Since (UTC)").FillAsync(today);
        await filters.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"action=apikey\\.\\*.*since={today}"));
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasTextString = keyId }).First).ToBeVisibleAsync();
        var shown = await actions.AllTextContentsAsync();
        Assert.NotEmpty(shown);
        Assert.All(shown, action => Assert.StartsWith("apikey.", action.Trim(), StringComparison.Ordinal));
        Assert.Contains("apikey.create", shown.Select(a => a.Trim()));
        await CheckAsync(ui, "admin-audit-filtered");

        // Nothing happened from tomorrow on.
        await filters.GetByLabel("Since (UTC)").FillAsync(tomorrow);
        await filters.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"since={tomorrow}"));
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("No entries match.");
        await Assertions.Expect(actions).ToHaveCountAsync(0);
        await CheckAsync(ui, "admin-audit-nothing");
    }

    [Fact]
    public async Task The_system_page_shows_the_health_checks_and_the_one_active_silo()
    {
        await using var ui = await browser.NewPageAsync(BaseUrl);
        await ui.SignInAsync(Registry.AdminKey);
        var page = ui.Page;
        await MainNav(page).GetByRole(AriaRole.Link, new() { Name = "System", Exact = true }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/ui/admin/system$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("System");

        var health = page.Locator("h2:text-is('Health') + table tbody tr");
        Assert.True(await health.CountAsync() > 0);
        await Assertions.Expect(health.Locator("td:nth-child(2)")).ToHaveTextAsync(Enumerable.Repeat("Healthy", await health.CountAsync()).ToArray());
        var silos = page.Locator("h2:text-is('Active silos') + table tbody tr");
        await Assertions.Expect(silos).ToHaveCountAsync(1);
        await Assertions.Expect(silos.Locator("td:nth-child(3)")).ToHaveTextAsync("Active");
        await CheckAsync(ui, "admin-system");
    }
}
