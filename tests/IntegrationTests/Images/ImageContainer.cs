using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests.Images;

/// <summary>
/// A container of one image target without docker: a process with exactly the base image's and the target's ENV plus
/// the deployment's settings (nothing inherited from the test), in the target's WORKDIR (its read-only published /app),
/// as the given uid when there is one (the test runs as root: <c>setpriv</c> drops to the image's user).
/// </summary>
// Images are Linux: file modes, setpriv, chown.
[UnsupportedOSPlatform("windows")]
public sealed class ImageContainer
{
    private readonly PublishedImages _images;
    private readonly string _target;
    private readonly int? _uid;

    public ImageContainer(PublishedImages images, string target, IReadOnlyDictionary<string, string> deployment, int? uid)
    {
        _images = images;
        _target = target;
        _uid = uid;
        Environment = PublishedImages.Merge(images.ImageEnvironment(target), deployment);
    }

    public string Target => _target;

    /// <summary>What the process sees: base image, then the target's ENV, then the deployment's settings.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    public int Port(string variable) => int.Parse(Environment[variable], CultureInfo.InvariantCulture);

    /// <summary>The container's main process: the ENTRYPOINT, with <paramref name="args"/> as a <c>docker run</c> command would add them.</summary>
    public RegistryProcess Start(params string[] args) => Run([.. _images.Dockerfile.EntryPoint(_target), .. args]);

    /// <summary>A command in the container (<c>docker exec</c>, or Docker's HEALTHCHECK), run to its end.</summary>
    public async Task<(int Code, string Output)> ExecAsync(IReadOnlyList<string> command)
    {
        await using var process = Run(command);
        // A hang guard only: the health command gives up after 3 s, migrate in seconds.
        var code = await process.ExitCodeWithinAsync(TimeSpan.FromMinutes(2));
        Assert.True(code is not null, $"{string.Join(' ', command)} did not finish:\n{process.Output}");
        return (code.Value, process.Output);
    }

    private RegistryProcess Run(IReadOnlyList<string> command)
    {
        string[] line = _uid is { } id
            ? ["setpriv", $"--reuid={id}", $"--regid={id}", "--clear-groups", .. command]
            : [.. command];
        var start = new ProcessStartInfo(line[0], line.Skip(1)) { WorkingDirectory = _images.App(_target) };
        start.Environment.Clear();
        // The base image's PATH finds its dotnet; here the machine's does.
        start.Environment["PATH"] = System.Environment.GetEnvironmentVariable("PATH");
        foreach (var (name, value) in Environment)
        {
            start.Environment[name] = value;
        }

        return RegistryProcess.Start(start);
    }
}
