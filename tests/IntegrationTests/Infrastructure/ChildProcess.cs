using System.Diagnostics;

namespace OrleansRegistry.IntegrationTests.Infrastructure;

/// <summary>Runs a short-lived tool (git, gpg) to completion from synchronous test setup code.</summary>
public static class ChildProcess
{
    /// <summary>
    /// Reads both pipes with blocking reads, stderr on a thread of its own. A synchronous wait on async pipe reads
    /// would deadlock when the caller runs on a socket completion thread, which it does whenever the registry
    /// process runs with DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 (pipes complete on the same engine).
    /// </summary>
    public static (int Code, string Output, string Error) Run(string file, IEnumerable<string> args, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file, args);
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        return Run(start);
    }

    /// <inheritdoc cref="Run(string, IEnumerable{string}, string?)"/>
    public static (int Code, string Output, string Error) Run(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} is not installed");
        var error = string.Empty;
        var errorReader = new Thread(() => error = process.StandardError.ReadToEnd()) { IsBackground = true };
        errorReader.Start();
        var output = process.StandardOutput.ReadToEnd();
        errorReader.Join();
        process.WaitForExit();
        return (process.ExitCode, output, error);
    }
}
