using System.Formats.Tar;
using OrleansRegistry.Archives;
using OrleansRegistry.Terraform;

namespace OrleansRegistry.UnitTests;

/// <summary>Which Terraform files of an archive the publish reads for the interface, and what it says about the ones it skips.</summary>
public class ModuleFileCaptureTests
{
    private static readonly ArchiveLimits Limits = new() { MaxFiles = 50, MaxExpandedBytes = 100_000, MaxInterfaceFileBytes = 200, MaxInterfaceBytes = 300 };

    private static async Task<ModuleArchiveFacts> FactsAsync(params (string Name, string Content)[] files)
    {
        var capture = new ModuleFileCapture(Limits);
        var archive = ArchiveInspectorTests.TarGz([.. files.Select(f => (f.Name, TarEntryType.RegularFile, f.Content))]);
        var listing = await ArchiveInspector.InspectAsync(archive, ArchiveFormat.TarGz, Limits, capture.Accept, CancellationToken.None);
        return ModuleArchiveFacts.From(listing, capture);
    }

    [Fact]
    public async Task Only_the_module_roots_files_are_read_not_submodules_or_examples()
    {
        var facts = await FactsAsync(
            ("main.tf", "resource \"null_resource\" \"a\" {}\n"),
            ("variables.tf", "variable \"name\" {\n  type = string\n}\n"),
            ("wrappers/main.tf", "variable \"wrapped\" {}\n"),
            ("examples/complete/main.tf", "variable \"example\" {}\n"),
            ("README.md", "# Root\n\nThe root module.\n"));

        Assert.Null(facts.RootPath);
        Assert.Equal(["name"], facts.Interface.Inputs.Select(i => i.Name));
        Assert.Equal("null_resource", Assert.Single(facts.Interface.Resources).Type);
        Assert.Empty(facts.Interface.Warnings);
        Assert.Equal("The root module.", facts.Description);
    }

    [Fact]
    public async Task In_a_github_style_tarball_the_top_folder_is_the_root()
    {
        var facts = await FactsAsync(
            ("net-1.0.0/outputs.tf", "output \"id\" {\n  description = \"The id\"\n  value = 1\n}\n"),
            ("net-1.0.0/versions.tf.json", "{\"terraform\": {\"required_version\": \">= 1.5\"}}"),
            ("net-1.0.0/modules/sub/main.tf", "output \"sub\" { value = 2 }\n"));

        Assert.Equal("net-1.0.0", facts.RootPath);
        Assert.Equal(new ModuleOutput("id", "The id", false), Assert.Single(facts.Interface.Outputs));
        Assert.Equal(">= 1.5", facts.Interface.RequiredVersion);
    }

    [Fact]
    public async Task Files_too_large_or_past_the_budget_are_skipped_with_a_warning_naming_them()
    {
        var big = "variable \"big\" {}\n" + new string('#', 250) + "\n";
        var filler = "variable \"filler\" {}\n" + new string('#', 150) + "\n";
        var facts = await FactsAsync(
            ("mod-2.0.0/a.tf", filler),
            ("mod-2.0.0/b.tf", big),
            ("mod-2.0.0/c.tf", filler.Replace("filler", "second", StringComparison.Ordinal)),
            ("mod-2.0.0/d.tf", "variable \"small\" {}\n"));

        Assert.Equal(["filler", "small"], facts.Interface.Inputs.Select(i => i.Name));
        Assert.Equal(
            ["b.tf is larger than 200 bytes; its declarations are not shown", "c.tf is past the 300 bytes of Terraform files read per module; its declarations are not shown"],
            facts.Interface.Warnings);
    }
}
