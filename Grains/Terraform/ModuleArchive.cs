using OrleansRegistry.Archives;
using OrleansRegistry.Terraform.Interface;

namespace OrleansRegistry.Terraform;

/// <summary>What the registry learns from a module archive: where the module root is, its README and its interface.</summary>
public sealed record ModuleArchiveFacts(string? RootPath, byte[]? Readme, string? Description, ModuleInterface Interface)
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
    /// The interface is read from the root's captured Terraform files (<paramref name="capture"/> tells which were skipped).
    /// </summary>
    public static ModuleArchiveFacts From(ArchiveListing listing, ModuleFileCapture? capture = null)
    {
        if (!listing.Files.Any(ModuleFileCapture.IsTerraform))
        {
            throw new InvalidArchiveException("the archive holds no Terraform files (*.tf or *.tf.json)");
        }

        string? root = null;
        if (!listing.Files.Any(f => !f.Contains('/', StringComparison.Ordinal) && ModuleFileCapture.IsTerraform(f)))
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
        var terraformFiles = listing.CapturedFiles
            .Where(f => ModuleFileCapture.IsTerraform(f.Key) && RootRelative(f.Key, root) is not null)
            .Select(f => KeyValuePair.Create(RootRelative(f.Key, root)!, f.Value));
        var moduleInterface = ModuleInterfaceReader.Read(terraformFiles, capture?.WarningsFor(root));
        return new ModuleArchiveFacts(root, readme, readme is null ? null : DescriptionOf(readme), moduleInterface);
    }

    /// <summary>The file's name when it lies directly in <paramref name="root"/> (null: the archive root), else null.</summary>
    public static string? RootRelative(string path, string? root)
    {
        var name = root is null ? path : path.StartsWith(root + "/", StringComparison.Ordinal) ? path[(root.Length + 1)..] : null;
        return name is null || name.Contains('/', StringComparison.Ordinal) ? null : name;
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
