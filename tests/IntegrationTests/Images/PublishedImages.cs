using System.Runtime.Versioning;

namespace OrleansRegistry.IntegrationTests.Images;

/// <summary>
/// The two images of the repository's Dockerfile, as close as this machine gets to <c>docker build</c>: base images
/// cannot be pulled here, so this carries out the build stage's own COPY and <c>dotnet</c> (restore, publish)
/// instructions under a temp directory (<see cref="BuildStageRun"/>), then makes every target's /app (what it copies
/// from the build stage) read-only, as a read-only root file system would. Done once per test class: a publish takes
/// a while.
/// </summary>
// Images are Linux: file modes, setpriv, chown.
[UnsupportedOSPlatform("windows")]
public sealed class PublishedImages : IAsyncLifetime
{
    public const string BuildStage = "build";
    public static readonly string[] Targets = ["silo", "frontend"];

    /// <summary>What the base image defines itself (<c>docker inspect mcr.microsoft.com/dotnet/aspnet:10.0</c>), which every target inherits.</summary>
    public static readonly IReadOnlyDictionary<string, string> BaseImageEnvironment = new Dictionary<string, string>
    {
        ["APP_UID"] = "1654",
        ["ASPNETCORE_HTTP_PORTS"] = "8080",
        ["DOTNET_RUNNING_IN_CONTAINER"] = "true",
    };

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"registry-images-{Guid.NewGuid():N}");
    private readonly Dictionary<string, string> _apps = [];

    public string RepositoryRoot { get; } = Infrastructure.RepositoryRoot.Path;
    public Dockerfile Dockerfile { get; private set; } = null!;

    /// <summary>
    /// The uid containers run as: the image's USER, when the test runs as root (setpriv needs it) and that user can
    /// run the machine's dotnet. Null: they run as the test's own user, and <see cref="UserNote"/> says why.
    /// </summary>
    public int? Uid { get; private set; }

    public string UserNote { get; private set; } = "";

    /// <summary>The environment of a container of <paramref name="target"/>: the base image's, then the target's ENV.</summary>
    public IReadOnlyDictionary<string, string> ImageEnvironment(string target) => Merge(BaseImageEnvironment, Dockerfile.Environment(target));

    /// <summary>Later dictionaries win, as later ENV instructions and <c>docker run -e</c> do.</summary>
    public static Dictionary<string, string> Merge(params IReadOnlyDictionary<string, string>[] layers) =>
        layers.SelectMany(l => l).GroupBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);

    /// <summary>The published directory that is <paramref name="target"/>'s /app.</summary>
    public string App(string target) => _apps[target];

    public async Task InitializeAsync()
    {
        Dockerfile = Dockerfile.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot, "Dockerfile")));
        Directory.CreateDirectory(_root);
        // Readable by the unprivileged user the processes run as.
        File.SetUnixFileMode(_root, ReadOnlyDirectory | UnixFileMode.UserWrite);
        var build = new BuildStageRun(RepositoryRoot, _root);
        await build.RunAsync(Dockerfile.Stage(BuildStage).Instructions);

        foreach (var target in Targets)
        {
            var (stage, source, destination) = Dockerfile.CopiesFromStages(target).Single();
            Assert.Equal(BuildStage, stage);
            Assert.Equal(Dockerfile.WorkingDirectory(target), destination);
            _apps[target] = build.Path(source);
            MakeReadOnly(_apps[target]);
        }

        ChooseUser();
    }

    private void ChooseUser()
    {
        var user = Dockerfile.User(Targets[0], ImageEnvironment(Targets[0]));
        if (System.Environment.UserName != "root")
        {
            UserNote = $"the test runs as {System.Environment.UserName}, so the processes do, rather than as the image's user {user}";
            return;
        }

        if (!int.TryParse(user, System.Globalization.CultureInfo.InvariantCulture, out var uid))
        {
            UserNote = $"the image's USER '{user}' is no uid, so the processes run as root";
            return;
        }

        var probe = Infrastructure.ChildProcess.Run("setpriv", [$"--reuid={uid}", $"--regid={uid}", "--clear-groups", "dotnet", "--list-runtimes"], App(Targets[0]));
        if (probe.Code != 0 || !probe.Output.Contains("Microsoft.AspNetCore.App", StringComparison.Ordinal))
        {
            UserNote = $"uid {uid} cannot run this machine's dotnet ({probe.Error.Trim()}), so the processes run as root";
            return;
        }

        Uid = uid;
        UserNote = $"the processes run as uid {uid}, the image's USER";
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(_root))
        {
            foreach (var directory in Directory.EnumerateDirectories(_root, "*", SearchOption.AllDirectories).Prepend(_root))
            {
                File.SetUnixFileMode(directory, ReadOnlyDirectory | UnixFileMode.UserWrite);
            }

            Directory.Delete(_root, recursive: true);
        }

        return Task.CompletedTask;
    }

    /// <summary>Every file and directory under <paramref name="directory"/> with its size, mode and time: what a write would change.</summary>
    public static IReadOnlyList<string> Listing(string directory) =>
    [
        .. new DirectoryInfo(directory).EnumerateFileSystemInfos("*", SearchOption.AllDirectories)
            .Select(e => $"{Path.GetRelativePath(directory, e.FullName)} {(e as FileInfo)?.Length} {e.UnixFileMode} {e.LastWriteTimeUtc:O}")
            .Order(StringComparer.Ordinal),
    ];

    private const UnixFileMode ReadOnlyDirectory =
        UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode ReadOnlyFile = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private static void MakeReadOnly(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(file, ReadOnlyFile);
        }

        foreach (var sub in Directory.EnumerateDirectories(directory, "*", SearchOption.AllDirectories).Prepend(directory))
        {
            File.SetUnixFileMode(sub, ReadOnlyDirectory);
        }
    }
}
