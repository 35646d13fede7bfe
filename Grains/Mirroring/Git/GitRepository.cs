using System.Security.Cryptography;
using System.Text;

namespace OrleansRegistry.Mirroring.Git;

/// <summary>A ref of the upstream repository and the commit it points at (tags peeled).</summary>
public sealed record GitRef(string Name, string Commit)
{
    public bool IsTag => Name.StartsWith("refs/tags/", StringComparison.Ordinal);

    public string ShortName => Name[(IsTag ? "refs/tags/".Length : "refs/heads/".Length)..];
}

/// <summary>
/// A silo-local bare copy of a source's repository (a cache: any silo can rebuild it with one fetch), and reads of
/// files and archives at a commit.
/// </summary>
public sealed class GitRepository
{
    private readonly string _directory;
    private readonly string _url;
    private readonly Dictionary<string, string> _environment;
    private readonly TimeSpan _timeout;

    private GitRepository(string directory, string url, Dictionary<string, string> environment, TimeSpan timeout)
    {
        _directory = directory;
        _url = url;
        _environment = environment;
        _timeout = timeout;
    }

    /// <summary>Fetches every branch and tag of <paramref name="url"/> into the cache (pruning what is gone).</summary>
    public static async Task<GitRepository> FetchAsync(string cacheDirectory, string mirrorId, string url, MirrorCredentials? credentials, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(cacheDirectory, mirrorId + ".git");
        var repository = new GitRepository(directory, url, Environment(url, credentials), timeout);
        if (!Directory.Exists(Path.Combine(directory, "objects")))
        {
            Directory.CreateDirectory(directory);
            await GitCli.RunAsync(null, repository._environment, timeout, cancellationToken, "init", "--bare", "--quiet", directory);
        }

        await GitCli.RunAsync(directory, repository._environment, timeout, cancellationToken,
            "fetch", "--quiet", "--prune", "--force", "--no-tags", "--", url, "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*");
        return repository;
    }

    /// <summary>Branches and tags, each with its commit (annotated tags peeled to the commit they tag).</summary>
    public async Task<List<GitRef>> RefsAsync(CancellationToken cancellationToken)
    {
        var listing = await GitCli.RunAsync(_directory, _environment, _timeout, cancellationToken,
            "for-each-ref", "--format=%(refname)%09%(objectname)%09%(*objectname)", "refs/heads", "refs/tags");
        return
        [
            .. listing.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split('\t'))
                .Where(parts => parts.Length == 3)
                .Select(parts => new GitRef(parts[0], parts[2].Length > 0 ? parts[2] : parts[1])),
        ];
    }

    /// <summary>The upstream's default branch (what its HEAD points at), or null when it does not say.</summary>
    public async Task<string?> DefaultBranchAsync(CancellationToken cancellationToken)
    {
        try
        {
            var head = await GitCli.RunAsync(_directory, _environment, _timeout, cancellationToken, "ls-remote", "--symref", "--", _url, "HEAD");
            var line = head.Split('\n').FirstOrDefault(l => l.StartsWith("ref: refs/heads/", StringComparison.Ordinal));
            return line?["ref: refs/heads/".Length..].Split('\t')[0];
        }
        catch (GitException)
        {
            return null;
        }
    }

    /// <summary>A file's content at a commit, or null when the commit has no such file.</summary>
    public async Task<byte[]?> ReadFileAsync(string commit, string path, CancellationToken cancellationToken)
    {
        using var output = new MemoryStream();
        try
        {
            await GitCli.RunAsync(_directory, _environment, _timeout, output, cancellationToken, "cat-file", "blob", $"{commit}:{path}");
        }
        catch (GitException)
        {
            return null;
        }

        return output.ToArray();
    }

    /// <summary>Writes the archive (zip or tar.gz) of the tree at <paramref name="path"/> of <paramref name="commit"/>.</summary>
    public Task ArchiveAsync(string commit, string? path, string format, Stream output, CancellationToken cancellationToken) =>
        GitCli.RunAsync(_directory, _environment, _timeout, output, cancellationToken,
            "archive", $"--format={format}", string.IsNullOrEmpty(path) ? commit : $"{commit}:{path}");

    /// <summary>https credentials as an Authorization header in git's environment; ssh and file URLs use none.</summary>
    private static Dictionary<string, string> Environment(string url, MirrorCredentials? credentials)
    {
        if (credentials is not { IsEmpty: false } || !url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        // GitHub takes any user with a token as password (x-access-token by convention), GitLab and Gitea too.
        var user = string.IsNullOrEmpty(credentials.Username) ? "x-access-token" : credentials.Username;
        var secret = string.IsNullOrEmpty(credentials.Token) ? credentials.Password : credentials.Token;
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret}"));
        return new()
        {
            ["GIT_CONFIG_COUNT"] = "1",
            ["GIT_CONFIG_KEY_0"] = "http.extraHeader",
            ["GIT_CONFIG_VALUE_0"] = $"Authorization: Basic {basic}",
        };
    }

    /// <summary>A short stable name for a subdirectory, for storage keys.</summary>
    public static string PathTag(string? path) =>
        string.IsNullOrEmpty(path) ? "root" : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(path)))[..12];
}
