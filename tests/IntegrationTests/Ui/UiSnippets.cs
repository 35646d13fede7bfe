using Microsoft.Playwright;
using OrleansRegistry.IntegrationTests.Infrastructure.Ui;

namespace OrleansRegistry.IntegrationTests.Ui;

/// <summary>The snippets' copy buttons, as a person uses them.</summary>
internal static class UiSnippets
{
    /// <summary>Clicks the snippet's copy button and returns the clipboard, which must hold exactly the text shown.</summary>
    public static async Task<string> CopyAsync(IPage page, string id, string label)
    {
        var button = page.GetByRole(AriaRole.Button, new() { Name = $"Copy {label}", Exact = true });
        await button.ClickAsync();
        await Assertions.Expect(page.Locator($"#{id}-status")).ToHaveTextAsync("Copied");
        await Assertions.Expect(button).ToHaveTextAsync("Copy"); // its name and its text stay one
        var clipboard = await UiChecks.ReadClipboardAsync(page);
        Assert.Equal(await page.Locator($"#{id}").TextContentAsync(), clipboard);
        return clipboard;
    }
}
