using OrleansRegistry.Archives;

namespace OrleansRegistry.Terraform;

/// <summary>
/// Which files of a module archive the publish keeps in memory: READMEs, and the Terraform files that may be the
/// module root's. The root is known only once every name has been seen, so the files at the archive root and
/// those one folder down (a GitHub-style <c>repo-1.2.3/</c> tarball) are both kept, each level within its own
/// byte budget; a file too large or past the budget is skipped and becomes a warning of the interface.
/// </summary>
public sealed class ModuleFileCapture(ArchiveLimits limits)
{
    private readonly long[] _left = [limits.MaxInterfaceBytes, limits.MaxInterfaceBytes];
    private readonly List<(string Path, string Warning)> _skipped = [];

    public static bool IsTerraform(string path) =>
        path.EndsWith(".tf", StringComparison.Ordinal) || path.EndsWith(".tf.json", StringComparison.Ordinal);

    /// <summary>For <see cref="ArchiveInspector"/>: asked once per file, with its declared size, before it is read.</summary>
    public bool Accept(string path, long length)
    {
        if (ModuleArchiveFacts.IsReadmeCandidate(path))
        {
            return length <= limits.MaxReadmeBytes;
        }

        var depth = path.Count(c => c == '/');
        if (depth > 1 || !IsTerraform(path))
        {
            return false;
        }

        if (length > limits.MaxInterfaceFileBytes)
        {
            _skipped.Add((path, $"{{0}} is larger than {limits.MaxInterfaceFileBytes} bytes; its declarations are not shown"));
            return false;
        }

        if (length > _left[depth])
        {
            _skipped.Add((path, $"{{0}} is past the {limits.MaxInterfaceBytes} bytes of Terraform files read per module; its declarations are not shown"));
            return false;
        }

        _left[depth] -= length;
        return true;
    }

    /// <summary>The warnings about files of the module root (<paramref name="root"/>, null for the archive root), named relative to it.</summary>
    public IEnumerable<string> WarningsFor(string? root) =>
        _skipped.Select(s => (Name: ModuleArchiveFacts.RootRelative(s.Path, root), s.Warning))
            .Where(s => s.Name is not null)
            .Select(s => string.Format(System.Globalization.CultureInfo.InvariantCulture, s.Warning, s.Name));
}
