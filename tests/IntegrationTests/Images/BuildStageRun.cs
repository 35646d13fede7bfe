using System.Diagnostics;
using Microsoft.Extensions.FileSystemGlobbing;

namespace OrleansRegistry.IntegrationTests.Images;

/// <summary>
/// A Dockerfile's build stage carried out without docker, under a directory standing for the build container's root:
/// its COPY instructions copy from the repository (the build context, less what .dockerignore excludes) and its RUN
/// instructions, <c>dotnet</c> commands only, run in its WORKDIR, in order. So the restore sees only what the
/// Dockerfile copied before it, and nothing is built in (or read from) the repository's own bin and obj.
/// </summary>
public sealed class BuildStageRun(string context, string root)
{
    /// <summary>A path of the build container (<c>/out/silo</c>) on this machine.</summary>
    public string Path(string containerPath) => System.IO.Path.Combine(root, containerPath.TrimStart('/'));

    public async Task RunAsync(IReadOnlyList<DockerInstruction> instructions)
    {
        var ignored = DockerIgnore();
        var workdir = root;
        foreach (var instruction in instructions)
        {
            switch (instruction.Keyword)
            {
                case "WORKDIR":
                    workdir = Path(instruction.Arguments);
                    Directory.CreateDirectory(workdir);
                    break;
                case "COPY":
                    Copy(Dockerfile.Words(instruction.Arguments), workdir, ignored);
                    break;
                case "RUN":
                    await RunDotnetAsync(Dockerfile.Words(instruction.Arguments), workdir);
                    break;
                default:
                    Assert.Fail($"the build stage's {instruction.Keyword} is not carried out here: extend {nameof(BuildStageRun)}");
                    break;
            }
        }
    }

    /// <summary>
    /// <c>COPY source... destination</c> relative to WORKDIR: a file into a destination ending in <c>/</c> (or onto it),
    /// a directory's contents into the destination, as Docker does.
    /// </summary>
    private void Copy(IReadOnlyList<string> words, string workdir, Matcher ignored)
    {
        Assert.DoesNotContain(words, w => w.StartsWith("--", StringComparison.Ordinal));
        var destination = System.IO.Path.Combine(workdir, words[^1]);
        foreach (var source in words.SkipLast(1))
        {
            var from = System.IO.Path.Combine(context, source);
            if (File.Exists(from))
            {
                var to = words[^1].EndsWith('/') || words.Count > 2 ? System.IO.Path.Combine(destination, System.IO.Path.GetFileName(from)) : destination;
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(to)!);
                File.Copy(from, to, overwrite: true);
                continue;
            }

            Assert.True(Directory.Exists(from), $"COPY {source}: not in the build context");
            foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            {
                if (ignored.Match(System.IO.Path.GetRelativePath(context, file)).HasMatches)
                {
                    continue;
                }

                var to = System.IO.Path.Combine(destination, System.IO.Path.GetRelativePath(from, file));
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(to)!);
                File.Copy(file, to, overwrite: true);
            }
        }
    }

    /// <summary>.dockerignore's patterns (a pattern names a path and everything under it; <c>**</c> any directories).</summary>
    private Matcher DockerIgnore()
    {
        var matcher = new Matcher(StringComparison.Ordinal);
        foreach (var line in File.ReadAllLines(System.IO.Path.Combine(context, ".dockerignore")).Select(l => l.Trim()))
        {
            Assert.False(line.StartsWith('!'), ".dockerignore exceptions (!) are not read here");
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                matcher.AddInclude(line.TrimEnd('/'));
                matcher.AddInclude(line.TrimEnd('/') + "/**");
            }
        }

        return matcher;
    }

    /// <summary>One RUN: a dotnet command, its output paths under this run's root. As a one-off build it leaves no MSBuild or compiler server behind (they would hold the pipes open).</summary>
    private async Task RunDotnetAsync(IReadOnlyList<string> command, string workdir)
    {
        Assert.True(command is ["dotnet", ..], $"the build stage runs dotnet commands only, not: {string.Join(' ', command)}");
        var args = command.Skip(1).ToList();
        var output = args.FindIndex(a => a is "-o" or "--output");
        if (output >= 0)
        {
            args[output + 1] = Path(args[output + 1]);
        }

        var start = new ProcessStartInfo("dotnet", args) { WorkingDirectory = workdir, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', args)} failed:\n{await stdout}{await stderr}");
    }
}
