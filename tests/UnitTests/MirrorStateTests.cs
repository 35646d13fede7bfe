using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansRegistry.Mirroring;

namespace OrleansRegistry.UnitTests;

/// <summary>
/// Mirror settings have a record per kind but are stored in the flat shape stored mirrors have always had: rows
/// written before the change read back as the settings of their kind, and rows written after it keep that shape.
/// Uses the storage serializer the silo configures.
/// </summary>
public class MirrorStateTests
{
    private static readonly SystemTextJsonGrainStorageSerializer Storage = new(Options.Create(new SystemTextJsonGrainStorageSerializerOptions()));

    // Rows as the flat settings record was stored: every kind's fields side by side, nulls left out.
    private const string ProvidersRow = """
        {"Settings":{"Kind":"terraform-providers","Name":"hashicorp","UpstreamUrl":"https://registry.terraform.io","Hostname":"registry.terraform.io",
        "Providers":["hashicorp/null","hashicorp/*"],"Versions":">= 3.0","Platforms":["linux_amd64"],"IntervalMinutes":60,"PullThrough":true,"AllowInsecure":false},
        "Credentials":"AQID","Refs":{},"CreatedAt":"2026-01-02T03:04:05+00:00","CreatedBy":"k1","LastSyncNumber":3,"History":[],"Deliveries":[]}
        """;

    private const string ComposerGitRow = """
        {"Settings":{"Kind":"composer-git","Name":"tools","UpstreamUrl":"https://git.acme.test/tools.git","Hostname":"","Providers":[],"Platforms":[],
        "IntervalMinutes":30,"PullThrough":false,"AllowInsecure":false,"Namespace":"acme","Path":"packages/tool"},
        "Refs":{"refs/tags/v1.0.0":"0123456789abcdef0123456789abcdef01234567"},"CreatedAt":"2026-01-02T03:04:05+00:00","CreatedBy":"k1","LastSyncNumber":1}
        """;

    private const string ModuleGitRow = """
        {"Settings":{"Kind":"terraform-module-git","Name":"acme/net/aws","UpstreamUrl":"ssh://git@git.acme.test/net.git","Hostname":"","Providers":[],"Platforms":[],
        "IntervalMinutes":60,"PullThrough":false,"AllowInsecure":false,"Namespace":"acme","ModuleName":"net","System":"aws","TagPattern":"release-*"},
        "CreatedAt":"2026-01-02T03:04:05+00:00","CreatedBy":"k1","LastSyncNumber":0}
        """;

    private const string ComposerRepositoryRow = """
        {"Settings":{"Kind":"composer-repository","Name":"packagist","UpstreamUrl":"http://packagist.internal","Hostname":"","Providers":[],"Platforms":[],
        "IntervalMinutes":120,"PullThrough":false,"AllowInsecure":true,"Packages":["monolog/*","symfony/console"],"Mode":"eager","UserAgent":"acme-mirror"},
        "CreatedAt":"2026-01-02T03:04:05+00:00","CreatedBy":"k1","LastSyncNumber":0}
        """;

    [Fact]
    public void A_provider_mirror_stored_flat_reads_back_with_provider_settings()
    {
        var settings = Read(ProvidersRow);

        Assert.Equal(("hashicorp", "https://registry.terraform.io", 60, false), (settings.Name, settings.UpstreamUrl, settings.IntervalMinutes, settings.AllowInsecure));
        var providers = Assert.IsType<ProviderMirrorSettings>(settings.KindSettings);
        Assert.Equal("registry.terraform.io", providers.Hostname);
        Assert.Equal(["hashicorp/null", "hashicorp/*"], providers.Providers);
        Assert.Equal(">= 3.0", providers.Versions);
        Assert.Equal(["linux_amd64"], providers.Platforms);
        Assert.True(providers.PullThrough);
    }

    [Fact]
    public void Git_sources_stored_flat_read_back_with_their_source_settings()
    {
        var composer = Read(ComposerGitRow);
        Assert.Equal(("tools", "https://git.acme.test/tools.git", 30), (composer.Name, composer.UpstreamUrl, composer.IntervalMinutes));
        Assert.Equal(new ComposerGitSourceSettings("acme", "packages/tool"), composer.KindSettings);

        var module = Read(ModuleGitRow);
        Assert.Equal("acme/net/aws", module.Name);
        Assert.Equal(new ModuleGitSourceSettings("acme", "net", "aws", null, "release-*"), module.KindSettings);
    }

    [Fact]
    public void A_composer_repository_stored_flat_reads_back_with_its_settings()
    {
        var settings = Read(ComposerRepositoryRow);

        Assert.Equal(("packagist", "http://packagist.internal", 120, true), (settings.Name, settings.UpstreamUrl, settings.IntervalMinutes, settings.AllowInsecure));
        var repository = Assert.IsType<ComposerRepositoryMirrorSettings>(settings.KindSettings);
        Assert.Equal(["monolog/*", "symfony/console"], repository.Packages!);
        Assert.Equal(("eager", "acme-mirror"), (repository.Mode, repository.UserAgent));
    }

    [Fact]
    public void The_rest_of_an_old_row_reads_back_too()
    {
        var state = Storage.Deserialize<MirrorState>(BinaryData.FromString(ComposerGitRow))!;

        Assert.Equal("0123456789abcdef0123456789abcdef01234567", state.Refs["refs/tags/v1.0.0"]);
        Assert.Equal(1, state.LastSyncNumber);
        Assert.Equal("k1", state.CreatedBy);
    }

    [Theory]
    [InlineData(ProvidersRow)]
    [InlineData(ComposerGitRow)]
    [InlineData(ModuleGitRow)]
    [InlineData(ComposerRepositoryRow)]
    public void Settings_are_written_in_the_same_flat_shape(string row)
    {
        var written = Storage.Serialize(Storage.Deserialize<MirrorState>(BinaryData.FromString(row)));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(row)!["Settings"], JsonNode.Parse(written.ToString())!["Settings"]), written.ToString());
    }

    [Fact]
    public void A_mirror_without_settings_stays_without()
    {
        var state = Storage.Deserialize<MirrorState>(Storage.Serialize(new MirrorState()))!;

        Assert.Null(state.Settings);
    }

    private static MirrorSettings Read(string row) => Storage.Deserialize<MirrorState>(BinaryData.FromString(row))!.Settings!;
}
