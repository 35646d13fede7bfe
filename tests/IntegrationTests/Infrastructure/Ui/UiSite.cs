using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OrleansRegistry.IntegrationTests.Infrastructure.Ui;

/// <summary>
/// Fixed HTML pages served over http://127.0.0.1 on a free port: for checking the browser tooling itself. Unlike a
/// page set with SetContentAsync (about:blank) this is a secure context, which the clipboard API requires.
/// </summary>
public sealed class UiSite : IAsyncDisposable
{
    private readonly WebApplication _app;

    private UiSite(WebApplication app, int port)
    {
        _app = app;
        Url = $"http://127.0.0.1:{port}";
    }

    public string Url { get; }

    /// <param name="pages">Path (e.g. <c>/copy</c>) → the HTML answered there; any other path is a 404.</param>
    public static async Task<UiSite> StartAsync(IReadOnlyDictionary<string, string> pages)
    {
        var port = PostgresServer.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, port));
        var app = builder.Build();
        foreach (var (path, html) in pages)
        {
            app.MapGet(path, () => Results.Content(html, "text/html; charset=utf-8"));
        }

        await app.StartAsync();
        return new UiSite(app, port);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
