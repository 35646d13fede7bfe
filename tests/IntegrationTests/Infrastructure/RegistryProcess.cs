using System.Diagnostics;
using System.Text;
using OrleansRegistry.WebFrontend.Hosting;

namespace OrleansRegistry.IntegrationTests.Infrastructure;

/// <summary>A registry executable (Silo.dll or the WebFrontend) run as its own process, as in cluster mode.</summary>
public sealed class RegistryProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private RegistryProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>What a silo-only process needs to start against <paramref name="connectionString"/>, on free loopback ports.</summary>
    public static Dictionary<string, string> SiloEnvironment(string connectionString) => new()
    {
        ["REGISTRY_DB"] = connectionString,
        ["REGISTRY_DATA_DIR"] = Path.Combine(Path.GetTempPath(), $"registry-process-{Guid.NewGuid():N}"),
        ["REGISTRY_URL_SIGNING_KEY"] = Convert.ToBase64String(new byte[32]),
        ["REGISTRY_ENCRYPTION_KEY"] = Convert.ToBase64String(new byte[32]),
        ["REGISTRY_LISTEN_ADDRESS"] = "127.0.0.1",
        ["REGISTRY_ROLE"] = "silo",
        ["REGISTRY_HTTP_PORT"] = $"{PostgresServer.FreePort()}",
        ["REGISTRY_METRICS_PORT"] = $"{PostgresServer.FreePort()}",
        ["REGISTRY_SILO_PORT"] = $"{PostgresServer.FreePort()}",
        ["REGISTRY_GATEWAY_PORT"] = $"{PostgresServer.FreePort()}",
    };

    public static RegistryProcess Start(string assembly, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, assembly), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        // The node decides this itself, as it does when deployed; scripts/test.sh sets it for in-process hosts only.
        start.Environment.Remove(InlineSocketCompletions.Variable);
        // No balancer to drain from: a test's process stops at once on SIGTERM, unless the test sets a drain delay.
        start.Environment["REGISTRY_SHUTDOWN_DRAIN_DELAY"] = "00:00:00";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return Start(start);
    }

    /// <summary>Any start of a registry program (another user, directory or environment), its output captured.</summary>
    public static RegistryProcess Start(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var process = new RegistryProcess(Process.Start(start)!);
        process._process.OutputDataReceived += (_, e) => process.Append(e.Data);
        process._process.ErrorDataReceived += (_, e) => process.Append(e.Data);
        process._process.BeginOutputReadLine();
        process._process.BeginErrorReadLine();
        return process;
    }

    /// <summary>The exit code once the process has exited within <paramref name="timeout"/>; null while it still runs.</summary>
    public async Task<int?> ExitCodeWithinAsync(TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>SIGTERM, then wait for a graceful exit (SIGKILL after the timeout).</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>SIGTERM, without waiting for the exit.</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
    }

    /// <summary>SIGKILL, at once.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
