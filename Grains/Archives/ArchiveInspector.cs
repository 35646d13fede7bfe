using System.Formats.Tar;
using System.IO.Compression;
using OrleansRegistry.Terraform;

namespace OrleansRegistry.Archives;

/// <summary>
/// Reads a .tar.gz or .zip once, rejecting what a client must never unpack: absolute paths, '..' segments,
/// links pointing out of the tree, device files, too many files or too many bytes. Files that the capture
/// function accepts (e.g. READMEs) are kept in memory.
/// </summary>
public static class ArchiveInspector
{
    /// <summary>Keeps the files whose names <paramref name="capture"/> accepts, up to the README size limit each.</summary>
    public static Task<ArchiveListing> InspectAsync(Stream archive, ArchiveFormat format, ArchiveLimits limits, Func<string, bool> capture, CancellationToken cancellationToken) =>
        InspectAsync(archive, format, limits, (name, length) => length <= limits.MaxReadmeBytes && capture(name), cancellationToken);

    /// <summary>
    /// Keeps the files <paramref name="capture"/> accepts, given each file's path and declared size; it is asked once
    /// per file, just before the file is read, so it may keep a budget.
    /// </summary>
    public static async Task<ArchiveListing> InspectAsync(Stream archive, ArchiveFormat format, ArchiveLimits limits, Func<string, long, bool> capture, CancellationToken cancellationToken)
    {
        var magic = new byte[4];
        var read = await archive.ReadAtLeastAsync(magic, magic.Length, throwOnEndOfStream: false, cancellationToken);
        archive.Seek(0, SeekOrigin.Begin);
        var isGzip = read >= 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        var isZip = read == 4 && magic[0] == 'P' && magic[1] == 'K' && (magic[2] == 3 || magic[2] == 5) && (magic[3] == 4 || magic[3] == 6);
        return format switch
        {
            ArchiveFormat.TarGz when isGzip => await InspectTarGzAsync(archive, limits, capture, cancellationToken),
            ArchiveFormat.Zip when isZip => await InspectZipAsync(archive, limits, capture, cancellationToken),
            ArchiveFormat.TarGz => throw new InvalidArchiveException("the file is named .tar.gz but is not a gzip-compressed tar archive"),
            _ => throw new InvalidArchiveException("the file is named .zip but is not a zip archive"),
        };
    }

    private static async Task<ArchiveListing> InspectTarGzAsync(Stream archive, ArchiveLimits limits, Func<string, long, bool> capture, CancellationToken cancellationToken)
    {
        var tally = new Tally(limits);
        try
        {
            await using var gzip = new GZipStream(archive, CompressionMode.Decompress, leaveOpen: true);
            await using var reader = new TarReader(gzip, leaveOpen: true);
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                switch (entry.EntryType)
                {
                    case TarEntryType.GlobalExtendedAttributes or TarEntryType.ExtendedAttributes:
                        continue;
                    case TarEntryType.Directory:
                        tally.Directory(entry.Name);
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        var name = tally.File(entry.Name, entry.Length);
                        if (name is not null && entry.DataStream is { } data && capture(name, entry.Length))
                        {
                            tally.Captured[name] = await ReadAllAsync(data, cancellationToken);
                        }

                        break;
                    case TarEntryType.SymbolicLink:
                        tally.Link(entry.Name, entry.LinkName, relativeToEntry: true);
                        break;
                    case TarEntryType.HardLink:
                        tally.Link(entry.Name, entry.LinkName, relativeToEntry: false);
                        break;
                    default:
                        throw new InvalidArchiveException($"'{entry.Name}' is a {entry.EntryType} entry; only files, directories and links are allowed");
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new InvalidArchiveException($"the archive is corrupt: {e.Message}");
        }

        return tally.ToListing();
    }

    private static async Task<ArchiveListing> InspectZipAsync(Stream archive, ArchiveLimits limits, Func<string, long, bool> capture, CancellationToken cancellationToken)
    {
        var tally = new Tally(limits);
        try
        {
            await using var zip = await ZipArchive.CreateAsync(archive, ZipArchiveMode.Read, leaveOpen: true, entryNameEncoding: null, cancellationToken);
            foreach (var entry in zip.Entries)
            {
                var unixMode = (entry.ExternalAttributes >> 16) & 0xF000;
                if (entry.FullName.EndsWith('/'))
                {
                    tally.Directory(entry.FullName);
                }
                else if (unixMode == 0xA000)
                {
                    await using var target = await entry.OpenAsync(cancellationToken);
                    var linkTarget = System.Text.Encoding.UTF8.GetString(await ReadAllAsync(target, cancellationToken, 4096));
                    tally.Link(entry.FullName, linkTarget, relativeToEntry: true);
                }
                else
                {
                    var name = tally.File(entry.FullName, entry.Length);
                    if (name is not null && capture(name, entry.Length))
                    {
                        await using var data = await entry.OpenAsync(cancellationToken);
                        tally.Captured[name] = await ReadAllAsync(data, cancellationToken);
                    }
                }
            }
        }
        catch (InvalidDataException e)
        {
            throw new InvalidArchiveException($"the zip archive is corrupt: {e.Message}");
        }

        return tally.ToListing();
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream, CancellationToken cancellationToken, int max = int.MaxValue)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length > max)
        {
            throw new InvalidArchiveException("a link target is too long");
        }

        return buffer.ToArray();
    }

    /// <summary>Accumulates entries and enforces the limits as they arrive.</summary>
    private sealed class Tally(ArchiveLimits limits)
    {
        private readonly List<string> _files = [];
        private long _bytes;
        private int _entries;

        public Dictionary<string, byte[]> Captured { get; } = new(StringComparer.Ordinal);

        public void Directory(string name)
        {
            Count();
            ArchivePaths.Normalize(name);
        }

        public string? File(string rawName, long length)
        {
            Count();
            var name = ArchivePaths.Normalize(rawName);
            if (length < 0)
            {
                throw new InvalidArchiveException($"'{rawName}' has an invalid size");
            }

            _bytes += length;
            if (_bytes > limits.MaxExpandedBytes)
            {
                throw new InvalidArchiveException($"the archive expands to more than {limits.MaxExpandedBytes} bytes");
            }

            if (name is not null)
            {
                _files.Add(name);
            }

            return name;
        }

        public void Link(string rawName, string target, bool relativeToEntry)
        {
            Count();
            var name = ArchivePaths.Normalize(rawName)
                ?? throw new InvalidArchiveException($"'{rawName}' is a link without a name");
            if (!ArchivePaths.StaysInside(name, target, relativeToEntry))
            {
                throw new InvalidArchiveException($"'{rawName}' links to '{target}', outside the archive");
            }
        }

        public ArchiveListing ToListing() => new(_files, Captured, _bytes);

        private void Count()
        {
            if (++_entries > limits.MaxFiles)
            {
                throw new InvalidArchiveException($"the archive has more than {limits.MaxFiles} entries");
            }
        }
    }
}
