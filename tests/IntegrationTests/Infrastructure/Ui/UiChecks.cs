using System.Text;
using System.Text.RegularExpressions;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Newtonsoft.Json;

namespace OrleansRegistry.IntegrationTests.Infrastructure.Ui;

/// <summary>
/// What UI tests check on a page and keep for people to look at: full-page screenshots and axe's accessibility results,
/// both under <c>TestResults/ui/</c> in the checkout (scripts/test.sh empties TestResults at start; CI keeps it).
/// </summary>
public static partial class UiChecks
{
    /// <summary>How many offending elements a failure message shows per rule; the JSON file has all of them.</summary>
    private const int NodesShown = 3;

    private static readonly string[] FailingImpacts = ["serious", "critical"];

    public static string ResultsDirectory { get; } = Path.Combine(RepositoryRoot.Path, "TestResults", "ui");

    /// <summary>Saves a full-page PNG as <c>TestResults/ui/{name}.png</c> and returns its path.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var path = ResultPath(name, ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Type = ScreenshotType.Png });
        return path;
    }

    /// <summary>
    /// Runs axe on the page as it is now, writes every result to <c>TestResults/ui/{name}.axe.json</c>, and fails listing
    /// each serious or critical violation (rule, impact, what to do, where). Moderate and minor findings stay in the file.
    /// </summary>
    public static async Task<AxeResult> AssertAccessibleAsync(IPage page, string name)
    {
        var result = await page.RunAxe();
        var path = ResultPath(name, ".axe.json");
        await File.WriteAllTextAsync(path, JsonConvert.SerializeObject(result, Formatting.Indented));

        var failing = result.Violations.Where(v => FailingImpacts.Contains(v.Impact, StringComparer.OrdinalIgnoreCase)).ToList();
        if (failing.Count > 0)
        {
            var message = new StringBuilder()
                .Append(System.Globalization.CultureInfo.InvariantCulture, $"axe found {failing.Count} serious or critical accessibility violation(s) on {page.Url} ")
                .Append(System.Globalization.CultureInfo.InvariantCulture, $"(all results in {path}):");
            foreach (var violation in failing)
            {
                message.Append(System.Globalization.CultureInfo.InvariantCulture, $"\n- {violation.Id} ({violation.Impact}): {violation.Help} [{violation.HelpUrl}]");
                foreach (var node in violation.Nodes.Take(NodesShown))
                {
                    message.Append(System.Globalization.CultureInfo.InvariantCulture, $"\n    {node.Target}: {node.Html}");
                }

                if (violation.Nodes.Length > NodesShown)
                {
                    message.Append(System.Globalization.CultureInfo.InvariantCulture, $"\n    … and {violation.Nodes.Length - NodesShown} more");
                }
            }

            Assert.Fail(message.ToString());
        }

        return result;
    }

    /// <summary>What every page visited must pass: axe, a screenshot kept for people, no browser errors so far.</summary>
    public static async Task CheckAsync(UiPage ui, string name)
    {
        await AssertAccessibleAsync(ui.Page, name);
        await ScreenshotAsync(ui.Page, name);
        ui.AssertNoErrors();
    }

    /// <summary>
    /// Opens <paramref name="path"/>, which answers <paramref name="status"/> with a page of its own headed
    /// <paramref name="heading"/>: checked like any page, and Chromium's report of the document's status as a failed
    /// load is the one browser error allowed.
    /// </summary>
    public static async Task ExpectErrorPageAsync(UiPage ui, string path, int status, string heading, string name)
    {
        var response = await ui.Page.GotoAsync(path);
        Assert.Equal(status, response!.Status);
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(heading);
        await AssertAccessibleAsync(ui.Page, name);
        await ScreenshotAsync(ui.Page, name);
        var error = Assert.Single(ui.TakeErrors());
        Assert.EndsWith($"{path}: Failed to load resource: the server responded with a status of {status} ()", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// The clipboard's text, as the page can read it (the context grants clipboard-read). Needs a secure context:
    /// https, or http on localhost/127.0.0.1 — not a page set with SetContentAsync (about:blank).
    /// </summary>
    public static Task<string> ReadClipboardAsync(IPage page) => page.EvaluateAsync<string>("() => navigator.clipboard.readText()");

    private static string ResultPath(string name, string extension)
    {
        // Names become file names: no directories, nothing a shell or a CI artifact upload would trip on.
        if (!SafeName().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a usable result name (letters, digits, '.', '-', '_')", nameof(name));
        }

        Directory.CreateDirectory(ResultsDirectory);
        return Path.Combine(ResultsDirectory, name + extension);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex SafeName();
}
