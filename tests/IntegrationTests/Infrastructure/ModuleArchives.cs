using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace OrleansRegistry.IntegrationTests.Infrastructure;

/// <summary>Builds module archives for tests.</summary>
public static class ModuleArchives
{
    /// <summary>A module whose output <c>greeting</c> says which version it is.</summary>
    public static byte[] Greeting(string version, string prefix = "") => TarGz(new Dictionary<string, string>
    {
        [$"{prefix}main.tf"] = $"output \"greeting\" {{\n  value = \"hello from {version}\"\n}}\n",
        [$"{prefix}README.md"] = $"# Greeting\n\nSays hello from version {version}.\n",
        [$"{prefix}modules/sub/main.tf"] = $"output \"sub\" {{\n  value = \"sub of {version}\"\n}}\n",
    });

    public static byte[] TarGz(IReadOnlyDictionary<string, string> files)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content) in files)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name)
                {
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                });
            }
        }

        return output.ToArray();
    }

    public static byte[] TarGzWithEntry(string name, TarEntryType type, string linkOrContent)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "main.tf") { DataStream = new MemoryStream("# ok\n"u8.ToArray()) });
            var entry = new PaxTarEntry(type, name);
            if (type == TarEntryType.RegularFile)
            {
                entry.DataStream = new MemoryStream(Encoding.UTF8.GetBytes(linkOrContent));
            }
            else
            {
                entry.LinkName = linkOrContent;
            }

            tar.WriteEntry(entry);
        }

        return output.ToArray();
    }

    public static byte[] Zip(IReadOnlyDictionary<string, string> files)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in files)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write(content);
            }
        }

        return output.ToArray();
    }

    /// <summary>Files under the artifact store's module folder: rejected uploads must leave none behind.</summary>
    public static int StoredModuleFiles(string dataDir)
    {
        var dir = Path.Combine(dataDir, "artifacts", "modules");
        return Directory.Exists(dir) ? Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Length : 0;
    }
}
