using System.Globalization;
using System.Runtime.Versioning;
using System.Text.RegularExpressions;

namespace OrleansRegistry.IntegrationTests.Images;

/// <summary>
/// What the Dockerfile declares, read from the file itself: each target runs as a non-root user, exposes the ports its
/// ENV sets, keeps data on a volume and has a health check; nothing secret is baked in; the build stage copies every
/// project it publishes (the image test publishes from the repository, so a missing COPY would pass there unnoticed).
/// </summary>
// Images are Linux: file modes, setpriv, chown.
[UnsupportedOSPlatform("windows")]
public sealed partial class DockerfileTests
{
    private readonly string _root = Infrastructure.RepositoryRoot.Path;
    private readonly Dockerfile _dockerfile;

    public DockerfileTests() => _dockerfile = Dockerfile.Parse(File.ReadAllText(Path.Combine(_root, "Dockerfile")));

    [Fact]
    public void Each_target_runs_as_a_non_root_user_and_declares_its_ports_volume_and_health_check()
    {
        foreach (var target in PublishedImages.Targets)
        {
            var environment = PublishedImages.Merge(PublishedImages.BaseImageEnvironment, _dockerfile.Environment(target));
            var user = _dockerfile.User(target, environment);
            Assert.True(int.TryParse(user, CultureInfo.InvariantCulture, out var uid) && uid != 0, $"{target} runs as '{user}', not a non-root uid");

            var ports = environment.Where(kv => kv.Key.EndsWith("_PORT", StringComparison.Ordinal)).Select(kv => int.Parse(kv.Value, CultureInfo.InvariantCulture));
            Assert.Equal(ports.Order(), _dockerfile.Exposed(target).Order());
            Assert.Contains(environment["REGISTRY_DATA_DIR"], _dockerfile.Volumes(target));

            var (options, command) = _dockerfile.HealthCheck(target);
            Assert.Equal([.. _dockerfile.EntryPoint(target), "health"], command);
            Assert.True(options.ContainsKey("timeout"), $"{target}'s HEALTHCHECK sets no timeout");

            foreach (var image in new[] { _dockerfile.BaseImage(target), _dockerfile.BaseImage(PublishedImages.BuildStage) })
            {
                Assert.Matches(@"^[a-z0-9./-]+(:(?!latest$)[\w.-]+|@sha256:[0-9a-f]{64})$", image);
            }
        }
    }

    [Fact]
    public void The_images_bake_in_no_secret()
    {
        var settings = _dockerfile.Stages.SelectMany(s => s.Instructions).Where(i => i.Keyword is "ENV" or "ARG")
            .SelectMany(i => Dockerfile.Words(i.Arguments)).Select(w => (Name: w.Split('=')[0], Value: w.Contains('=', StringComparison.Ordinal) ? w.Split('=', 2)[1] : ""));
        foreach (var (name, value) in settings)
        {
            Assert.DoesNotMatch(SecretName(), name);
            Assert.DoesNotMatch(KeyLike(), value);
        }

        Assert.DoesNotMatch(SecretText(), _dockerfile.Text);
        // The images get the publish output and nothing else of the build context.
        foreach (var target in PublishedImages.Targets)
        {
            Assert.All(_dockerfile.Chain(target).Where(i => i.Keyword is "COPY" or "ADD"), copy => Assert.StartsWith($"--from={PublishedImages.BuildStage} ", copy.Arguments, StringComparison.Ordinal));
        }

        // run.sh and cluster.sh keep database files, TLS keys and admin keys there: never in the build context.
        var ignored = File.ReadAllLines(Path.Combine(_root, ".dockerignore")).Select(l => l.Trim().TrimEnd('/')).ToHashSet();
        Assert.Superset(new HashSet<string> { ".data", ".cluster", "**/bin", "**/obj", ".git" }, ignored);
    }

    [Fact]
    public void The_build_stage_restores_from_the_project_files_and_copies_every_project_it_publishes()
    {
        var build = _dockerfile.Stage(PublishedImages.BuildStage).Instructions;
        var restore = Index(build, "dotnet restore");
        var copied = build.Select((i, at) => (i, at)).Where(x => x.i.Keyword == "COPY")
            .SelectMany(x => Dockerfile.Words(x.i.Arguments).SkipLast(1).Select(source => (Source: source.TrimEnd('/'), x.at)))
            .ToList();
        Assert.All(copied, c => Assert.True(File.Exists(Path.Combine(_root, c.Source)) || Directory.Exists(Path.Combine(_root, c.Source)), $"COPY {c.Source}: not in the repository"));
        bool CopiedBefore(string path, int at) => copied.Any(c => c.Source == path && c.at < at);

        // The restore layer sees only what restore reads, so source changes keep it cached.
        Assert.All(copied.Where(c => c.at < restore), c => Assert.Matches(@"(\.csproj|\.props|global\.json)$", c.Source));
        foreach (var file in new[] { "global.json", "Directory.Build.props", "Directory.Packages.props" })
        {
            Assert.True(CopiedBefore(file, restore), $"{file} is not copied before the restore");
        }

        foreach (var publish in build.Where(i => i.Arguments.StartsWith("dotnet publish", StringComparison.Ordinal)))
        {
            var at = build.ToList().IndexOf(publish);
            foreach (var project in ProjectClosure(Dockerfile.Words(publish.Arguments)[2]))
            {
                Assert.True(CopiedBefore(project, restore), $"{project} is not copied before the restore");
                Assert.True(CopiedBefore(Path.GetDirectoryName(project)!, at), $"{Path.GetDirectoryName(project)}/ is not copied before `{publish.Arguments}`");
            }
        }
    }

    /// <summary>The project and every project it references, as repository-relative paths.</summary>
    private HashSet<string> ProjectClosure(string project)
    {
        var found = new HashSet<string>();
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var next))
        {
            if (!found.Add(next))
            {
                continue;
            }

            var text = File.ReadAllText(Path.Combine(_root, next));
            foreach (Match reference in ProjectReference().Matches(text))
            {
                var path = Path.GetFullPath(Path.Combine(_root, Path.GetDirectoryName(next)!, reference.Groups["path"].Value.Replace('\\', '/')));
                pending.Push(Path.GetRelativePath(_root, path));
            }
        }

        return found;
    }

    private static int Index(IReadOnlyList<DockerInstruction> instructions, string run) =>
        instructions.Select((i, at) => (i, at)).Single(x => x.i.Keyword == "RUN" && x.i.Arguments.StartsWith(run, StringComparison.Ordinal)).at;

    [GeneratedRegex(@"KEY|SECRET|PASSWORD|TOKEN|CREDENTIAL|CONNECTION_STRING|^REGISTRY_DB$", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    /// <summary>A base64 or hex run as long as a 32-byte key.</summary>
    [GeneratedRegex(@"[A-Za-z0-9+/]{40,}={0,2}|[0-9a-fA-F]{64}")]
    private static partial Regex KeyLike();

    /// <summary>A connection string password, a PEM block, an API key token.</summary>
    [GeneratedRegex(@"Password\s*=|-----BEGIN|reg_[a-z0-9]+_[A-Za-z0-9]{16,}", RegexOptions.IgnoreCase)]
    private static partial Regex SecretText();

    [GeneratedRegex(@"<ProjectReference\s+Include=""(?<path>[^""]+)""")]
    private static partial Regex ProjectReference();
}
