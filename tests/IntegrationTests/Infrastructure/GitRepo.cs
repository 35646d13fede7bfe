namespace OrleansRegistry.IntegrationTests.Infrastructure;

/// <summary>A Git repository made with the real git CLI, for sources synced over file://.</summary>
public sealed class GitRepo
{
    private GitRepo(string path) => Path = path;

    public string Path { get; }
    public string Url => new Uri(Path + "/").AbsoluteUri.TrimEnd('/');

    public static GitRepo Create()
    {
        var repo = new GitRepo(Directory.CreateTempSubdirectory("git-source-").FullName);
        repo.Git("init", "--quiet", "--initial-branch=main");
        repo.Git("config", "user.name", "Release Bot");
        repo.Git("config", "user.email", "bot@acme.test");
        repo.Git("config", "tag.gpgSign", "false");
        repo.Git("config", "commit.gpgSign", "false");
        return repo;
    }

    public GitRepo Write(string file, string content)
    {
        var full = System.IO.Path.Combine(Path, file);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return this;
    }

    /// <summary>Commits everything; returns the commit id.</summary>
    public string Commit(string message)
    {
        Git("add", "--all");
        Git("commit", "--quiet", "-m", message);
        return Head();
    }

    public string Head() => Git("rev-parse", "HEAD").Trim();

    public string Git(params string[] args)
    {
        var (code, output, error) = ChildProcess.Run("git", args, Path);
        return code == 0 ? output : throw new InvalidOperationException($"git {string.Join(' ', args)}: {error}");
    }
}
