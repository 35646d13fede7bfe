using OrleansRegistry.Archives;

namespace OrleansRegistry.Terraform;

/// <summary>What the registry learns from a module archive: where the module root is and its README.</summary>
public sealed record ModuleArchiveFacts(string? RootPath, byte[]? Readme, string? Description)
{
    private static readonly string[] ReadmeNames = ["README.md", "readme.md", "Readme.md", "README", "README.markdown"];

    public static bool IsReadmeCandidate(string path)
    {
        var slash = path.LastIndexOf('/');
        var file = slash < 0 ? path : path[(slash + 1)..];
        return ReadmeNames.Contains(file, StringComparer.Ordinal) && path.Count(c => c == '/') <= 1;
    }

    /// <summary>
    /// Finds the module root: the archive root when it holds Terraform files, else its single top-level
    /// directory (GitHub-style <c>repo-1.2.3/</c> tarballs), which Terraform is then told to use as <c>//dir</c>.
    /// </summary>
    public static ModuleArchiveFacts From(ArchiveListing listing)
    {
        static bool IsTerraform(string path) => path.EndsWith(".tf", StringComparison.Ordinal) || path.EndsWith(".tf.json", StringComparison.Ordinal);

        if (!listing.Files.Any(IsTerraform))
        {
            throw new InvalidArchiveException("the archive holds no Terraform files (*.tf or *.tf.json)");
        }

        string? root = null;
        if (!listing.Files.Any(f => !f.Contains('/', StringComparison.Ordinal) && IsTerraform(f)))
        {
            var tops = listing.Files.Select(f => f.Split('/')[0]).Distinct(StringComparer.Ordinal).ToArray();
            if (tops.Length == 1 && listing.Files.All(f => f.Contains('/', StringComparison.Ordinal)))
            {
                root = tops[0];
            }
        }

        var readme = ReadmeNames
            .Select(name => root is null ? name : $"{root}/{name}")
            .Select(path => listing.CapturedFiles.GetValueOrDefault(path))
            .FirstOrDefault(bytes => bytes is not null);
        return new ModuleArchiveFacts(root, readme, readme is null ? null : DescriptionOf(readme));
    }

    /// <summary>The first prose line of the README, for listings and search.</summary>
    private static string? DescriptionOf(byte[] readme)
    {
        var text = System.Text.Encoding.UTF8.GetString(readme);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith('[') || line.StartsWith('!') || line.StartsWith('<') || line.StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            return line.Length <= 200 ? line : line[..200];
        }

        return null;
    }
}
