using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace OrleansRegistry.IntegrationTests.Infrastructure.Ui;

/// <summary>
/// A test's browser context and its first page. Records what went wrong in the browser on any of the context's pages
/// — console errors and uncaught script errors — so a test can assert the UI ran cleanly (<see cref="AssertNoErrors"/>).
/// Disposing closes the context.
/// </summary>
public sealed class UiPage : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _errors = new();

    private UiPage(IBrowserContext context) => Context = context;

    public IBrowserContext Context { get; }

    public IPage Page { get; private set; } = null!;

    /// <summary>Console errors (<c>console.error</c>, failed resource loads, CSP refusals) and uncaught exceptions, in order.</summary>
    public IReadOnlyCollection<string> Errors => _errors;

    internal static async Task<UiPage> OpenAsync(IBrowserContext context)
    {
        var ui = new UiPage(context);
        // Pages the test did not open itself (popups, target=_blank links) are watched too.
        context.Page += (_, page) => ui.Watch(page);
        ui.Page = await context.NewPageAsync();
        return ui;
    }

    /// <summary>Fails naming every console error and uncaught exception seen so far.</summary>
    public void AssertNoErrors() =>
        Assert.True(_errors.IsEmpty, $"the browser reported {_errors.Count} error(s):\n{string.Join("\n", _errors)}");

    /// <summary>
    /// Takes the errors seen so far out of the record and returns them, for a test that expects some (a page answered
    /// 403 on purpose is a failed load to Chromium) and asserts them itself before carrying on.
    /// </summary>
    public string[] TakeErrors()
    {
        var taken = new List<string>();
        while (_errors.TryDequeue(out var error))
        {
            taken.Add(error);
        }

        return [.. taken];
    }

    public async ValueTask DisposeAsync() => await Context.CloseAsync();

    private void Watch(IPage page)
    {
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _errors.Enqueue($"console error at {message.Location} on {page.Url}: {message.Text}");
            }
        };
        page.PageError += (_, error) => _errors.Enqueue($"uncaught error on {page.Url}: {error}");
    }
}
