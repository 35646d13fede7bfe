using Microsoft.Playwright;

namespace OrleansRegistry.IntegrationTests.Infrastructure.Ui;

/// <summary>
/// One headless Chromium for a collection of UI tests, started on first use and closed with the collection: Debian's
/// chromium (scripts/test.sh installs it and exports REGISTRY_TEST_CHROMIUM) driven through Playwright, whose driver
/// (node and the playwright package) ships in the NuGet package. Playwright's own browser downloads are never used:
/// the machines running the tests have no internet. Each test gets a fresh context from <see cref="NewPageAsync"/>.
/// </summary>
public sealed class UiBrowser : IAsyncLifetime
{
    private readonly Lazy<Task<IBrowser>> _browser;
    private IPlaywright? _playwright;

    public UiBrowser() => _browser = new(StartAsync);

    /// <summary>How long the first page waited for Playwright and Chromium to start (zero until then).</summary>
    public TimeSpan StartupTime { get; private set; }

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>
    /// A page in a context of its own (no cookies or storage shared with other tests), trusting any certificate (the
    /// test registries' certificates are self-signed) and allowed to use the clipboard. <paramref name="baseUrl"/> lets
    /// the test navigate with relative URLs (<c>page.GotoAsync("/ui/keys")</c>). <paramref name="javaScriptEnabled"/> false
    /// is a browser with scripts off, for pages that must work without them; axe cannot run there (its evaluation never
    /// returns), so check such pages' markup with scripts on.
    /// </summary>
    public async Task<UiPage> NewPageAsync(string? baseUrl = null, bool javaScriptEnabled = true)
    {
        var browser = await _browser.Value;
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            JavaScriptEnabled = javaScriptEnabled,
            IgnoreHTTPSErrors = true,
            // Headless Chromium refuses navigator.clipboard without these; the copy buttons are tested through it.
            Permissions = ["clipboard-read", "clipboard-write"],
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        // The defaults are 30 s; a machine busy with the rest of the suite can be slow, and a hung page should still
        // fail well within the run's hang timeout.
        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(60_000);
        return await UiPage.OpenAsync(context);
    }

    private async Task<IBrowser> StartAsync()
    {
        var chromium = Environment.GetEnvironmentVariable("REGISTRY_TEST_CHROMIUM") is { Length: > 0 } path && File.Exists(path)
            ? path
            : throw new InvalidOperationException("REGISTRY_TEST_CHROMIUM must name a chromium executable (scripts/test.sh installs Debian's chromium and sets it)");
        var started = System.Diagnostics.Stopwatch.StartNew();
        _playwright = await Playwright.CreateAsync();
        var browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Timeout = 120_000,
            // The tests run as root, where Chromium's sandbox cannot start; containers' /dev/shm is often too small for
            // it (Debian's launcher means to add that flag itself, but its check breaks on some machines).
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
        StartupTime = started.Elapsed;
        return browser;
    }

    /// <summary>Closes Chromium and stops the driver, which takes Chromium's helper processes with it.</summary>
    public async Task DisposeAsync()
    {
        // When Chromium never started the tests have already failed saying why.
        if (_browser.IsValueCreated && _browser.Value.IsCompletedSuccessfully)
        {
            await (await _browser.Value).CloseAsync();
        }

        _playwright?.Dispose();
    }
}
