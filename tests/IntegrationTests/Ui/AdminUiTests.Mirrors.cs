using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests.Ui;

/// <summary>A Composer source made, synced, followed and changed on its pages, against a Git repository on disk.</summary>
public sealed partial class AdminUiTests
{
    [Fact]
    public async Task An_admin_creates_a_git_source_syncs_it_and_reads_its_history()
    {
        var repo = GitRepo.Create();
        repo.Write("composer.json", """{"name": "acme/widget", "description": "A widget", "type": "library"}""").Write("src/Widget.php", "<?php\n");
        repo.Commit("first");
        repo.Git("tag", "v1.0.0");

        await using var ui = await browser.NewPageAsync(BaseUrl);
        await ui.SignInAsync(Registry.AdminKey);
        var page = ui.Page;
        await MainNav(page).GetByRole(AriaRole.Link, new() { Name = "Mirrors", Exact = true }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/ui/admin/mirrors$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Mirrors and sources"); // enhanced navigation swaps the page in after the URL
        await CheckAsync(ui, "admin-mirrors");

        await page.GetByRole(AriaRole.Link, new() { Name = "Composer package from Git", Exact = true }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/ui/admin/mirrors/new\\?kind=composer-git$"));
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("widget source");
        await page.GetByLabel("Git repository URL").FillAsync(repo.Url);
        await page.GetByLabel("Namespace (vendor)").FillAsync("acme");
        await page.GetByLabel("Sync every (minutes)").FillAsync("0");
        await CheckAsync(ui, "admin-mirror-new");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();

        // The webhook secret is shown once, on the answer to the create; it works.
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Composer package from Git created");
        await CheckAsync(ui, "admin-mirror-created");
        var webhookUrl = await UiSnippets.CopyAsync(page, "webhook-url", "Webhook URL");
        var secret = await UiSnippets.CopyAsync(page, "webhook-secret", "Webhook secret");
        var id = Regex.Match(webhookUrl, "/api/v1/webhooks/([^/]+)$").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(id), webhookUrl);

        await page.GetByRole(AriaRole.Link, new() { Name = "Open the mirror's page" }).ClickAsync();
        var mirrorPath = $"/ui/admin/mirrors/{id}";
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"{Regex.Escape(mirrorPath)}$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("widget source");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("No sync has run yet.");
        Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);
        await CheckAsync(ui, "admin-mirror-page");

        // Sync now; the history shows the sync once it has ended, with what it did.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sync now", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#mirror-message")).ToHaveTextAsync("A sync started: its result appears in the history below once it ends.");
        await ReloadUntilAsync(page, mirrorPath, p => SyncEndedAsync(p, 1));
        await Assertions.Expect(SyncRow(page, 1).GetByRole(AriaRole.Cell)).ToHaveTextAsync([
            new Regex("^1$"), new Regex(@"UTC \(\d+(\.\d)? s\)$"), new Regex(@"^manual \("), new Regex("^succeeded$"), new Regex("^2 versions added$"), new Regex("^none$"),
        ]);
        Assert.Contains("v1.0.0", Text(await Registry.JsonAsync(HttpMethod.Get, "/p2/acme/widget.json")), StringComparison.Ordinal);
        await CheckAsync(ui, "admin-mirror-synced");

        // A delivery signed with the secret from the create page starts a sync, and is listed.
        using (var delivery = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/webhooks/{id}") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes("{}")) })
        {
            delivery.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            delivery.Headers.Add("X-Gitlab-Token", secret);
            delivery.Headers.Add("X-Gitlab-Event", "Push Hook");
            using var delivered = await Registry.Client.SendAsync(delivery);
            Assert.Equal(202, (int)delivered.StatusCode);
        }

        await ReloadUntilAsync(page, mirrorPath, p => SyncEndedAsync(p, 2));
        await Assertions.Expect(SyncRow(page, 2).GetByRole(AriaRole.Cell).Nth(2)).ToHaveTextAsync("webhook (gitlab Push Hook)");
        var deliveries = page.Locator("#deliveries + table tbody tr");
        await Assertions.Expect(deliveries.GetByRole(AriaRole.Cell).Nth(1)).ToHaveTextAsync("gitlab");
        await Assertions.Expect(deliveries.GetByRole(AriaRole.Cell).Nth(2)).ToHaveTextAsync("Push Hook");
        await CheckAsync(ui, "admin-mirror-webhook");

        // Edit a setting: the source now reads a repository that is not there, and its next sync says so.
        var missing = "file:///nonexistent/widget-repo";
        await page.GetByLabel("Git repository URL").FillAsync(missing);
        await page.GetByLabel("Sync every (minutes)").FillAsync("30");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#mirror-message")).ToHaveTextAsync("Settings saved.");
        await Assertions.Expect(Fact(page, "Upstream")).ToHaveTextAsync(missing);
        await Assertions.Expect(Fact(page, "Syncs")).ToContainTextAsync("every 30 minutes");
        var saved = await Registry.JsonAsync(HttpMethod.Get, $"/api/v1/mirrors/{id}");
        Assert.Equal(missing, saved.GetProperty("url").GetString());
        Assert.Equal(30, saved.GetProperty("interval_minutes").GetInt32());
        Assert.Equal("widget source", saved.GetProperty("name").GetString());
        await CheckAsync(ui, "admin-mirror-edited");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sync now", Exact = true }).ClickAsync();
        await ReloadUntilAsync(page, mirrorPath, p => SyncEndedAsync(p, 3));
        var failed = SyncRow(page, 3).GetByRole(AriaRole.Cell);
        await Assertions.Expect(failed.Nth(3)).ToHaveTextAsync("failed");
        await Assertions.Expect(failed.Nth(5)).ToContainTextAsync($"cannot fetch {missing}");
        await CheckAsync(ui, "admin-mirror-failed-sync");

        // Credentials are replaced, never shown back.
        Assert.False(saved.GetProperty("has_credentials").GetBoolean());
        await page.GetByLabel("Token", new() { Exact = true }).FillAsync("glpat-not-shown-again");
        await page.GetByRole(AriaRole.Button, new() { Name = "Replace credentials", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#mirror-message")).ToHaveTextAsync("Credentials replaced.");
        await Assertions.Expect(Fact(page, "Credentials")).ToHaveTextAsync("set (never shown)");
        Assert.DoesNotContain("glpat-not-shown-again", await page.ContentAsync(), StringComparison.Ordinal);
        Assert.True((await Registry.JsonAsync(HttpMethod.Get, $"/api/v1/mirrors/{id}")).GetProperty("has_credentials").GetBoolean());
        await CheckAsync(ui, "admin-mirror-credentials");
    }

    /// <summary>The row of sync number <paramref name="number"/> in the sync history.</summary>
    private static ILocator SyncRow(IPage page, int number) =>
        page.Locator("#history + table tbody tr").Filter(new() { Has = page.Locator("td:first-child", new() { HasTextRegex = new Regex($"^{number}$") }) });

    private static async Task<bool> SyncEndedAsync(IPage page, int number)
    {
        var row = SyncRow(page, number);
        return await row.CountAsync() == 1 && await row.GetByRole(AriaRole.Cell).Nth(3).TextContentAsync() is { } result && result.Trim() != "running";
    }

    /// <summary>The value of a fact in a page's details list (<c>dl.facts</c>).</summary>
    private static ILocator Fact(IPage page, string term) => page.Locator($"dl.facts dt:text-is('{term}') + dd");

    [Fact]
    public async Task The_new_mirror_page_offers_every_kind_and_each_kinds_form_passes_axe()
    {
        await using var ui = await browser.NewPageAsync(BaseUrl);
        await ui.SignInAsync(Registry.AdminKey, "/ui/admin/mirrors/new");
        var page = ui.Page;
        var kinds = page.Locator("main li a");
        await Assertions.Expect(kinds).ToHaveCountAsync(OrleansRegistry.Mirroring.MirrorKinds.All.Count);
        await CheckAsync(ui, "admin-new-mirror-kinds");

        foreach (var kind in OrleansRegistry.Mirroring.MirrorKinds.All)
        {
            await page.GotoAsync($"/ui/admin/mirrors/new?kind={kind}");
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Create" })).ToBeVisibleAsync();
            await CheckAsync(ui, $"admin-new-mirror-{kind}");
        }
    }

    private static string Text(System.Text.Json.JsonElement element) => element.ToString();
}
