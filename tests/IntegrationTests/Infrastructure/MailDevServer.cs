using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace OrleansRegistry.IntegrationTests.Infrastructure;

/// <summary>One mail as maildev received it: the envelope's recipients, the subject and the plain text.</summary>
public sealed record ReceivedMail(string[] To, string Subject, string Text);

/// <summary>
/// A real SMTP server for the tests: maildev from npm (scripts/test.sh installs it and exports REGISTRY_TEST_MAILDEV,
/// the path of its dist/bin/maildev.js), on free loopback ports, requiring <see cref="Username"/> and
/// <see cref="Password"/>; what it received is read through its REST API (<c>GET /api/email</c>).
/// </summary>
public sealed class MailDevServer : IAsyncDisposable
{
    public const string Username = "registry";
    public const string Password = "smtp-secret";
    public const string From = "registry@registry.acme.test";

    private readonly Process _process;
    private readonly string _directory;
    private readonly HttpClient _web;

    private MailDevServer(Process process, string directory, int smtpPort, int webPort)
    {
        (_process, _directory, SmtpPort) = (process, directory, smtpPort);
        _web = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{webPort}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public int SmtpPort { get; }

    /// <summary>The registry's settings for this server: plain SMTP (maildev has no certificate) with its login.</summary>
    public Dictionary<string, string?> RegistrySettings() => new()
    {
        ["Registry:Smtp:Host"] = "127.0.0.1",
        ["Registry:Smtp:Port"] = SmtpPort.ToString(CultureInfo.InvariantCulture),
        ["Registry:Smtp:Security"] = "none",
        ["Registry:Smtp:Username"] = Username,
        ["Registry:Smtp:Password"] = Password,
        ["Registry:Smtp:From"] = From,
    };

    public static async Task<MailDevServer> StartAsync()
    {
        var script = Environment.GetEnvironmentVariable("REGISTRY_TEST_MAILDEV") is { Length: > 0 } path && File.Exists(path)
            ? path
            : throw new InvalidOperationException("REGISTRY_TEST_MAILDEV must name maildev's dist/bin/maildev.js (scripts/test.sh installs maildev from npm and sets it)");
        var directory = Path.Combine(Path.GetTempPath(), $"maildev-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        int smtpPort = PostgresServer.FreePort(), webPort = PostgresServer.FreePort();
        string[] args =
        [
            script, "--smtp", $"{smtpPort}", "--ip", "127.0.0.1", "--web", $"{webPort}", "--web-ip", "127.0.0.1",
            "--incoming-user", Username, "--incoming-pass", Password, "--mail-directory", directory, "--silent",
        ];
        // Its own working directory: maildev reads a configuration file from the working directory and its parents.
        var process = Process.Start(new ProcessStartInfo("node", args) { WorkingDirectory = directory })
            ?? throw new InvalidOperationException("node is not installed");
        var server = new MailDevServer(process, directory, smtpPort, webPort);
        await ServerProcesses.WaitUntilListeningAsync(process, smtpPort);
        await ServerProcesses.WaitUntilListeningAsync(process, webPort);
        return server;
    }

    /// <summary>Every mail received so far, in arrival order.</summary>
    public async Task<ReceivedMail[]> MailsAsync()
    {
        using var response = await _web.GetAsync("/api/email");
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. json.RootElement.EnumerateArray().Select(m => new ReceivedMail(
            [.. m.GetProperty("envelope").GetProperty("to").EnumerateArray().Select(t => t.GetProperty("address").GetString()!)],
            m.GetProperty("subject").GetString() ?? "",
            m.TryGetProperty("text", out var text) ? text.GetString() ?? "" : ""))];
    }

    public async ValueTask DisposeAsync()
    {
        _web.Dispose();
        await ServerProcesses.StopAsync(_process);
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
