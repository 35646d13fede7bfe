using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OrleansRegistry.IntegrationTests.Infrastructure.Ui;

namespace OrleansRegistry.IntegrationTests.Ui;

/// <summary>Signing a browser in to the web UI the way a person does: the sign-in form, with an API key.</summary>
public static class UiSignIn
{
    /// <summary>
    /// Opens <paramref name="path"/> without a session, which must send the browser to the sign-in form; fills in the key
    /// and signs in, which must bring it back to <paramref name="path"/>.
    /// </summary>
    public static async Task SignInAsync(this UiPage ui, string key, string path = "/ui")
    {
        var page = ui.Page;
        await page.GotoAsync(path);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/ui/signin\\?return_url={Regex.Escape(Uri.EscapeDataString(path))}"));
        await SubmitKeyAsync(page, key);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"{Regex.Escape(path)}$"));
    }

    /// <summary>Fills in the sign-in form on the page (which must show it) and submits it.</summary>
    public static async Task SubmitKeyAsync(IPage page, string key)
    {
        await page.GetByLabel("API key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }
}
