using System.Diagnostics;
using System.Text;

namespace OrleansRegistry.Mirroring.Git;

/// <summary>A git command failed; the message carries git's own words (never credentials).</summary>
public sealed class GitException(string message) : Exception(message);

/// <summary>
/// Runs the <c>git</c> CLI. Chosen over LibGit2Sharp because it speaks every transport our users have (https with
/// tokens, ssh with the silo's keys and known_hosts, file://) exactly as their own git does, and needs no native
/// library per platform. Credentials go through the environment (GIT_CONFIG_*), never the command line.
/// </summary>
public static class GitCli
{
    public static async Task<string> RunAsync(string? directory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, CancellationToken cancellationToken, params string[] args)
    {
        using var output = new MemoryStream();
        await RunAsync(directory, environment, timeout, output, cancellationToken, args);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    /// <summary>Runs git with its standard output copied to <paramref name="output"/>.</summary>
    public static async Task RunAsync(
        string? directory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, Stream output, CancellationToken cancellationToken, params string[] args)
    {
        var start = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (directory is not null)
        {
            start.ArgumentList.Add("-C");
            start.ArgumentList.Add(directory);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        start.Environment["GIT_ASKPASS"] = "true";
        start.Environment["SSH_ASKPASS"] = "true";
        start.Environment["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes";
        start.Environment["LC_ALL"] = "C";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        using var process = Process.Start(start) ?? throw new GitException("git is not installed");
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync(timeoutSource.Token);
        try
        {
            await process.StandardOutput.BaseStream.CopyToAsync(output, timeoutSource.Token);
            await process.WaitForExitAsync(timeoutSource.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new GitException($"git {args[0]} took longer than {timeout.TotalSeconds:0} s");
        }

        if (process.ExitCode != 0)
        {
            var message = (await error).Trim();
            throw new GitException($"git {args[0]} failed: {(message.Length > 500 ? message[..500] : message)}");
        }
    }
}
