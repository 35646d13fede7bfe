using System.Diagnostics;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests.Chaos;

/// <summary>
/// <c>scripts/cluster.sh</c> driven from a test: PostgreSQL, s3rver, 3 silos, 2 frontends and nginx on loopback, in a
/// directory of the test's own, on ports from <paramref name="portBase"/>, with the binaries the test run built.
/// </summary>
public sealed class ClusterScript(string directory, int portBase) : IAsyncDisposable
{
    private static readonly string Script = Path.Combine(RepositoryRoot.Path, "scripts", "cluster.sh");

    public string Directory { get; } = directory;

    /// <summary>The balancer's HTTPS address (Terraform) as host:port, and its HTTP URL (Composer, the API).</summary>
    public string HttpsHost => $"127.0.0.1:{portBase + 3}";

    public int HttpPort => portBase + 2;

    public string CaPath => Path.Combine(Directory, "tls", "ca.crt");

    public string AdminKey => File.ReadAllText(Path.Combine(Directory, "secrets", "admin.key")).Trim();

    /// <summary>Starts the cluster; <paramref name="extraEnvironment"/> goes into every silo's and frontend's environment.</summary>
    public static async Task<ClusterScript> UpAsync(string directory, int portBase, IDictionary<string, string> extraEnvironment)
    {
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "env"));
        await File.WriteAllLinesAsync(Path.Combine(directory, "env", "extra.env"), extraEnvironment.Select(kv => $"{kv.Key}={kv.Value}"));
        var cluster = new ClusterScript(directory, portBase);
        await cluster.RunAsync("up");
        return cluster;
    }

    /// <summary>Runs <c>cluster.sh <paramref name="args"/></c>; throws with its output when it fails.</summary>
    public async Task<string> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("bash", [Script, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["CLUSTER_DIR"] = Directory;
        start.Environment["CLUSTER_PORT_BASE"] = $"{portBase}";
        start.Environment["CLUSTER_SKIP_BUILD"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var text = await output + await error;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"cluster.sh {string.Join(' ', args)} failed ({process.ExitCode}):\n{text}");
        }

        return text;
    }

    /// <summary>How many dead rows the membership table holds for silo <paramref name="n"/>'s port.</summary>
    public async Task<int> DeadRowsAsync(int n)
    {
        var status = await RunAsync("status");
        return status.Split('\n').Count(line => line.StartsWith($"membership: 127.0.0.1:{portBase + 10 + n} dead", StringComparison.Ordinal));
    }

    /// <summary>The log of silo or frontend <paramref name="name"/> (<c>silo-1</c>).</summary>
    public string Log(string name) => File.ReadAllText(Path.Combine(Directory, "logs", $"{name}.log"));

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync("down");
        }
        catch (InvalidOperationException)
        {
            // Best effort: the test already reports what failed.
        }
    }
}
