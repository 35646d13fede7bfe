namespace OrleansRegistry.Archives;

/// <summary>Path rules for archive entries, shared by tar and zip.</summary>
public static class ArchivePaths
{
    /// <summary>
    /// Returns the entry's relative path without a leading "./" (null for the archive root itself), or throws
    /// when the name is absolute, has a drive or backslash, a NUL, or a '..' segment.
    /// </summary>
    public static string? Normalize(string name)
    {
        if (name.Contains('\0', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal))
        {
            throw new InvalidArchiveException($"'{name.Replace("\0", "\\0", StringComparison.Ordinal)}' has a forbidden character");
        }

        if (name.StartsWith('/') || (name.Length >= 2 && name[1] == ':'))
        {
            throw new InvalidArchiveException($"'{name}' is an absolute path");
        }

        var segments = name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToArray();
        if (segments.Contains(".."))
        {
            throw new InvalidArchiveException($"'{name}' contains '..'");
        }

        return segments.Length == 0 ? null : string.Join('/', segments);
    }

    /// <summary>True when <paramref name="target"/> of a link at <paramref name="entry"/> resolves inside the archive.</summary>
    public static bool StaysInside(string entry, string target, bool relativeToEntry)
    {
        if (string.IsNullOrEmpty(target) || target.StartsWith('/') || target.Contains('\\', StringComparison.Ordinal) || (target.Length >= 2 && target[1] == ':'))
        {
            return false;
        }

        var depth = new List<string>();
        if (relativeToEntry)
        {
            depth.AddRange(entry.Split('/')[..^1]);
        }

        foreach (var segment in target.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (depth.Count == 0)
                {
                    return false;
                }

                depth.RemoveAt(depth.Count - 1);
            }
            else
            {
                depth.Add(segment);
            }
        }

        return true;
    }
}
