using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace OrleansRegistry.Bench;

/// <summary>Small, valid packages of each kind for seeding, and one large incompressible one for transfers.</summary>
public static class Artifacts
{
    public static byte[] ComposerZip(string name, int padding = 0)
    {
        var manifest = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["name"] = name,
            ["description"] = $"Benchmark package {name}",
            ["type"] = "library",
            ["license"] = "MIT",
            ["require"] = new Dictionary<string, string> { ["php"] = ">=8.1" },
        });
        return Zip(("composer.json", Encoding.UTF8.GetBytes(manifest)), ("src/Lib.php", Encoding.UTF8.GetBytes("<?php\n// benchmark\n")),
            ("data.bin", Random(padding)));
    }

    public static byte[] ModuleTarGz(string version)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: false))
        {
            var main = new PaxTarEntry(TarEntryType.RegularFile, "main.tf")
            {
                DataStream = new MemoryStream(Encoding.UTF8.GetBytes($"output \"version\" {{ value = \"{version}\" }}\n")),
            };
            tar.WriteEntry(main);
        }

        return output.ToArray();
    }

    public static byte[] ProviderZip(string type, string version) =>
        Zip(($"terraform-provider-{type}_v{version}", Encoding.UTF8.GetBytes("#!/bin/sh\necho benchmark\n")));

    /// <summary>A provider zip of about <paramref name="bytes"/> (one stored, incompressible entry), written to disk.</summary>
    public static void LargeProviderZip(string path, string type, string version, long bytes)
    {
        using var file = File.Create(path);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        var entry = zip.CreateEntry($"terraform-provider-{type}_v{version}", CompressionLevel.NoCompression);
        entry.ExternalAttributes = 0x81ED << 16;
        using var content = entry.Open();
        var chunk = new byte[1 << 20];
        for (long written = 0; written < bytes; written += chunk.Length)
        {
            System.Random.Shared.NextBytes(chunk);
            content.Write(chunk, 0, (int)Math.Min(chunk.Length, bytes - written));
        }
    }

    private static byte[] Random(int bytes)
    {
        var data = new byte[bytes];
        System.Random.Shared.NextBytes(data);
        return data;
    }

    private static byte[] Zip(params (string Name, byte[] Content)[] files)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in files)
            {
                var entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
                entry.ExternalAttributes = 0x81ED << 16;
                using var stream = entry.Open();
                stream.Write(content);
            }
        }

        return output.ToArray();
    }
}
