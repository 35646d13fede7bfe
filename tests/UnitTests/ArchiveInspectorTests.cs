using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using OrleansRegistry.Archives;
using OrleansRegistry.Terraform;

namespace OrleansRegistry.UnitTests;

public class ArchiveInspectorTests
{
    private static readonly ArchiveLimits Limits = new() { MaxFiles = 50, MaxExpandedBytes = 10_000 };

    internal static MemoryStream TarGz(params (string Name, TarEntryType Type, string Content)[] entries)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, type, content) in entries)
            {
                var entry = new PaxTarEntry(type, name);
                if (type is TarEntryType.SymbolicLink or TarEntryType.HardLink)
                {
                    entry.LinkName = content;
                }
                else if (type == TarEntryType.RegularFile)
                {
                    entry.DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content));
                }

                tar.WriteEntry(entry);
            }
        }

        output.Position = 0;
        return output;
    }

    private static Task<ArchiveListing> InspectAsync(Stream archive, ArchiveFormat format = ArchiveFormat.TarGz) =>
        ArchiveInspector.InspectAsync(archive, format, Limits, ModuleArchiveFacts.IsReadmeCandidate, CancellationToken.None);

    [Fact]
    public async Task Lists_files_and_captures_the_readme()
    {
        var listing = await InspectAsync(TarGz(("./main.tf", TarEntryType.RegularFile, "# x"), ("README.md", TarEntryType.RegularFile, "# VPC\n\nCreates a VPC.\n"), ("modules/", TarEntryType.Directory, "")));
        Assert.Equal(["main.tf", "README.md"], listing.Files);
        var facts = ModuleArchiveFacts.From(listing);
        Assert.Null(facts.RootPath);
        Assert.Equal("Creates a VPC.", facts.Description);
    }

    [Fact]
    public async Task Finds_the_module_root_in_a_single_top_directory()
    {
        var facts = ModuleArchiveFacts.From(await InspectAsync(TarGz(("vpc-1.0.0/main.tf", TarEntryType.RegularFile, ""), ("vpc-1.0.0/README.md", TarEntryType.RegularFile, "Hello"))));
        Assert.Equal("vpc-1.0.0", facts.RootPath);
        Assert.Equal("Hello", facts.Description);
    }

    [Theory]
    [InlineData("../evil.tf", "contains '..'")]
    [InlineData("a/../../evil.tf", "contains '..'")]
    [InlineData("/etc/passwd", "absolute path")]
    public async Task Rejects_paths_escaping_the_tree(string name, string problem)
    {
        var e = await Assert.ThrowsAsync<InvalidArchiveException>(() => InspectAsync(TarGz(("main.tf", TarEntryType.RegularFile, ""), (name, TarEntryType.RegularFile, "x"))));
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("link", "/etc/passwd")]
    [InlineData("link", "../outside")]
    [InlineData("dir/link", "../../outside")]
    public async Task Rejects_symlinks_escaping_the_tree(string name, string target)
    {
        var e = await Assert.ThrowsAsync<InvalidArchiveException>(() => InspectAsync(TarGz(("main.tf", TarEntryType.RegularFile, ""), (name, TarEntryType.SymbolicLink, target))));
        Assert.Contains("outside the archive", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accepts_symlinks_inside_the_tree() =>
        Assert.Single((await InspectAsync(TarGz(("main.tf", TarEntryType.RegularFile, ""), ("dir/link", TarEntryType.SymbolicLink, "../main.tf")))).Files);

    [Fact]
    public async Task Rejects_device_files()
    {
        var e = await Assert.ThrowsAsync<InvalidArchiveException>(() => InspectAsync(TarGz(("main.tf", TarEntryType.RegularFile, ""), ("fifo", TarEntryType.Fifo, ""))));
        Assert.Contains("Fifo", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enforces_file_count_and_expansion_limits()
    {
        var many = Enumerable.Range(0, 60).Select(i => ($"f{i}.tf", TarEntryType.RegularFile, "")).ToArray();
        Assert.Contains("entries", (await Assert.ThrowsAsync<InvalidArchiveException>(() => InspectAsync(TarGz(many)))).Message, StringComparison.Ordinal);
        var big = new string('x', 10_001);
        Assert.Contains("expands", (await Assert.ThrowsAsync<InvalidArchiveException>(() => InspectAsync(TarGz(("main.tf", TarEntryType.RegularFile, big))))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rejects_archives_without_terraform_files() =>
        Assert.Throws<InvalidArchiveException>(() => ModuleArchiveFacts.From(InspectAsync(TarGz(("README.md", TarEntryType.RegularFile, "x"))).Result));

    [Fact]
    public async Task Rejects_content_that_does_not_match_its_name()
    {
        var zipNamedTar = Zip(("main.tf", "x"));
        Assert.Contains("not a gzip", (await Assert.ThrowsAsync<InvalidArchiveException>(() => InspectAsync(zipNamedTar))).Message, StringComparison.Ordinal);
        var text = new MemoryStream("not an archive at all"u8.ToArray());
        Assert.Contains("not a zip", (await Assert.ThrowsAsync<InvalidArchiveException>(() => InspectAsync(text, ArchiveFormat.Zip))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rejects_a_truncated_gzip()
    {
        var whole = TarGz(("main.tf", TarEntryType.RegularFile, new string('a', 5000))).ToArray();
        var truncated = new MemoryStream(whole[..(whole.Length / 2)]);
        await Assert.ThrowsAsync<InvalidArchiveException>(() => InspectAsync(truncated));
    }

    [Fact]
    public async Task Inspects_zip_archives_including_traversal()
    {
        Assert.Equal(["main.tf"], (await InspectAsync(Zip(("main.tf", "x")), ArchiveFormat.Zip)).Files);
        var e = await Assert.ThrowsAsync<InvalidArchiveException>(() => InspectAsync(Zip(("main.tf", "x"), ("../../evil", "y")), ArchiveFormat.Zip));
        Assert.Contains("..", e.Message, StringComparison.Ordinal);
    }

    private static MemoryStream Zip(params (string Name, string Content)[] entries)
    {
        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write(content);
            }
        }

        output.Position = 0;
        return output;
    }
}
