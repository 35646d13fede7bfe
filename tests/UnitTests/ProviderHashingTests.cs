using System.IO.Compression;
using System.Text;
using OrleansRegistry.Archives;
using OrleansRegistry.Terraform;

namespace OrleansRegistry.UnitTests;

public class ProviderHashingTests
{
    internal static MemoryStream Zip(params (string Name, string Content)[] entries)
    {
        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                var entry = zip.CreateEntry(name);
                if (!name.EndsWith('/'))
                {
                    using var writer = new StreamWriter(entry.Open());
                    writer.Write(content);
                }
            }
        }

        output.Position = 0;
        return output;
    }

    [Fact]
    public async Task H1_does_not_depend_on_entry_order_or_compression()
    {
        var a = await ProviderArchive.HashAsync(Zip(("a.txt", "hello\n"), ("b.txt", "world\n")), new ArchiveLimits(), CancellationToken.None);
        var b = await ProviderArchive.HashAsync(Zip(("b.txt", "world\n"), ("a.txt", "hello\n")), new ArchiveLimits(), CancellationToken.None);
        Assert.Equal(a, b);
    }

    [Fact]
    public async Task Unsafe_or_non_zip_archives_are_refused()
    {
        await Assert.ThrowsAsync<InvalidArchiveException>(() => ProviderArchive.HashAsync(Zip(("../x", "y")), new ArchiveLimits(), CancellationToken.None));
        await Assert.ThrowsAsync<InvalidArchiveException>(() => ProviderArchive.HashAsync(new MemoryStream("not a zip"u8.ToArray()), new ArchiveLimits(), CancellationToken.None));
        await Assert.ThrowsAsync<InvalidArchiveException>(() => ProviderArchive.HashAsync(Zip(("d/", "")), new ArchiveLimits(), CancellationToken.None));
    }

    [Theory]
    [InlineData("terraform-provider-hello_1.0.0_linux_amd64.zip", "linux", "amd64")]
    [InlineData("terraform-provider-hello_1.0.0_darwin_arm64.zip", "darwin", "arm64")]
    public void Platform_comes_from_the_file_name(string name, string os, string arch) =>
        Assert.Equal((os, arch), ProviderArchive.ParseZipName(name, "hello", "1.0.0", out _));

    [Theory]
    [InlineData("terraform-provider-hello_1.0.1_linux_amd64.zip")]
    [InlineData("terraform-provider-other_1.0.0_linux_amd64.zip")]
    [InlineData("terraform-provider-hello_1.0.0_plan9_amd64.zip")]
    [InlineData("terraform-provider-hello_1.0.0_linux.zip")]
    [InlineData("hello.zip")]
    public void Misnamed_zips_are_refused_with_the_expected_name(string name)
    {
        Assert.Null(ProviderArchive.ParseZipName(name, "hello", "1.0.0", out var problem));
        Assert.False(string.IsNullOrEmpty(problem));
    }

    [Fact]
    public void Sha256sums_round_trips_and_accepts_binary_mode_lines()
    {
        var built = Sha256Sums.Build([("b.zip", new string('b', 64)), ("a.zip", new string('a', 64))]);
        Assert.Equal($"{new string('a', 64)}  a.zip\n{new string('b', 64)}  b.zip\n", Encoding.UTF8.GetString(built));
        var parsed = Sha256Sums.Parse(Encoding.UTF8.GetBytes($"{new string('A', 64)} *x.zip\r\n{new string('c', 64)}  y.zip\n"));
        Assert.Equal(new string('a', 64), parsed["x.zip"]);
        Assert.Equal(new string('c', 64), parsed["y.zip"]);
    }
}
