using System.IO.Compression;
using OrleansRegistry.Archives;
using OrleansRegistry.Terraform;

namespace OrleansRegistry.UnitTests;

/// <summary>Garbage that passes the magic-byte checks must still come out as InvalidArchiveException (a 400), never anything else.</summary>
public class ArchiveGarbageTests
{
    private static byte[] Gzip(byte[] payload)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(payload);
        }

        return output.ToArray();
    }

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 40)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Random_tar_content_inside_valid_gzip_is_an_invalid_archive(int seed)
    {
        var random = new Random(seed);
        var payload = new byte[random.Next(1, 4096)];
        random.NextBytes(payload);
        if (seed % 4 == 0)
        {
            // A plausible header start: a name, then noise.
            "main.tf\0"u8.CopyTo(payload);
        }

        await AssertInvalidOrAcceptedAsync(new MemoryStream(Gzip(payload)), ArchiveFormat.TarGz);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Corrupted_zips_are_invalid_archives(int seed)
    {
        var random = new Random(seed);
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var writer = new StreamWriter(zip.CreateEntry("main.tf").Open());
            writer.Write(new string('x', random.Next(0, 2000)));
        }

        var bytes = output.ToArray();
        for (var i = 0; i < 1 + (seed % 8); i++)
        {
            bytes[random.Next(4, bytes.Length)] = (byte)random.Next(256);
        }

        await AssertInvalidOrAcceptedAsync(new MemoryStream(bytes), ArchiveFormat.Zip);
        try
        {
            await ProviderArchive.HashAsync(new MemoryStream(bytes), new ArchiveLimits(), CancellationToken.None);
        }
        catch (InvalidArchiveException)
        {
        }
    }

    private static async Task AssertInvalidOrAcceptedAsync(Stream archive, ArchiveFormat format)
    {
        try
        {
            await ArchiveInspector.InspectAsync(archive, format, new ArchiveLimits { MaxExpandedBytes = 1 << 20 }, _ => true, CancellationToken.None);
        }
        catch (InvalidArchiveException)
        {
            // The expected outcome for garbage; anything else fails the test.
        }
    }
}
