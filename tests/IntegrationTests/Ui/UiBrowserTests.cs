using System.Buffers.Binary;
using Microsoft.Playwright;
using OrleansRegistry.IntegrationTests.Infrastructure.Ui;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace OrleansRegistry.IntegrationTests.Ui;

/// <summary>
/// The browser tooling the UI tests stand on: Debian's Chromium starts through Playwright without downloading anything,
/// axe passes an accessible page and fails an inaccessible one naming the rules, the clipboard works headless, pages'
/// script errors are caught, and screenshots are real PNGs.
/// </summary>
[Collection(UiCollection.Name)]
public sealed class UiBrowserTests(UiBrowser browser, ITestOutputHelper output)
{
    private const string AccessiblePage = """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>API keys</title></head>
        <body>
          <main>
            <h1>API keys</h1>
            <img src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7" alt="Registry logo" width="16" height="16">
            <form>
              <label for="name">Key name</label>
              <input id="name" name="name" type="text">
              <button type="submit">Create key</button>
            </form>
            <p style="color:#333;background:#fff">Keys are shown once.</p>
          </main>
        </body>
        </html>
        """;

    private const string InaccessiblePage = """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Broken</title></head>
        <body>
          <main>
            <h1>Broken</h1>
            <img src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7" width="16" height="16">
            <input id="name" type="text">
            <p style="color:#ccc;background:#fff">Hardly readable</p>
          </main>
        </body>
        </html>
        """;

    [Fact]
    public async Task An_accessible_page_passes_axe_and_its_screenshot_is_a_png()
    {
        await using var ui = await browser.NewPageAsync();
        output.WriteLine($"Playwright and Chromium started in {browser.StartupTime.TotalMilliseconds:F0} ms");
        await ui.Page.SetContentAsync(AccessiblePage);

        var result = await UiChecks.AssertAccessibleAsync(ui.Page, "tooling-accessible");
        var screenshot = await UiChecks.ScreenshotAsync(ui.Page, "tooling-accessible");

        Assert.Contains(result.Passes, p => p.Id == "image-alt");
        Assert.True(File.Exists(Path.Combine(UiChecks.ResultsDirectory, "tooling-accessible.axe.json")));
        var png = await File.ReadAllBytesAsync(screenshot);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], png[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal(1280, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
        ui.AssertNoErrors();
    }

    [Fact]
    public async Task An_inaccessible_page_fails_naming_each_rule_it_breaks()
    {
        await using var ui = await browser.NewPageAsync();
        await ui.Page.SetContentAsync(InaccessiblePage);

        var failure = await Assert.ThrowsAsync<FailException>(() => UiChecks.AssertAccessibleAsync(ui.Page, "tooling-inaccessible"));

        output.WriteLine(failure.Message);
        Assert.Contains("- image-alt (critical): Images must have alternative text", failure.Message, StringComparison.Ordinal);
        Assert.Contains("- label (critical)", failure.Message, StringComparison.Ordinal);
        Assert.Contains("- color-contrast (serious)", failure.Message, StringComparison.Ordinal);
        Assert.Contains("<img src=", failure.Message, StringComparison.Ordinal);
        Assert.Contains("tooling-inaccessible.axe.json", failure.Message, StringComparison.Ordinal);
        var json = await File.ReadAllTextAsync(Path.Combine(UiChecks.ResultsDirectory, "tooling-inaccessible.axe.json"));
        Assert.Contains("color-contrast", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_copy_button_puts_its_text_on_the_clipboard()
    {
        var secret = $"orr_{Guid.NewGuid():N}";
        await using var site = await UiSite.StartAsync(new Dictionary<string, string>
        {
            ["/copy"] = $$"""
                <!doctype html>
                <html lang="en">
                <head><meta charset="utf-8"><title>Copy</title><link rel="icon" href="data:,"></head>
                <body><main>
                  <h1>New key</h1>
                  <code id="key">{{secret}}</code>
                  <button id="copy" type="button">Copy</button>
                  <p id="status" role="status"></p>
                  <script>
                    document.getElementById('copy').addEventListener('click', async () => {
                      await navigator.clipboard.writeText(document.getElementById('key').textContent);
                      document.getElementById('status').textContent = 'Copied';
                    });
                  </script>
                </main></body>
                </html>
                """,
        });
        await using var ui = await browser.NewPageAsync(site.Url);
        await ui.Page.GotoAsync("/copy");

        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Copy" }).ClickAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Copied");

        Assert.Equal(secret, await UiChecks.ReadClipboardAsync(ui.Page));
        ui.AssertNoErrors();
    }

    [Fact]
    public async Task Console_errors_and_uncaught_exceptions_are_reported()
    {
        await using var ui = await browser.NewPageAsync();
        await ui.Page.SetContentAsync("""
            <!doctype html><html lang="en"><head><title>Errors</title></head><body>
            <script>console.error('the widget broke');</script>
            <script>throw new Error('unhandled in a handler');</script>
            </body></html>
            """);

        var failure = Assert.Throws<TrueException>(ui.AssertNoErrors);

        Assert.Contains("the widget broke", failure.Message, StringComparison.Ordinal);
        Assert.Contains("unhandled in a handler", failure.Message, StringComparison.Ordinal);
        Assert.Equal(2, ui.Errors.Count);
    }
}
