using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansRegistry.Composer;

namespace OrleansRegistry.UnitTests;

/// <summary>
/// Version metadata is held as UTF-8 bytes but stored as the JSON string it always was: state written before the change
/// reads back, and state written after it reads as before. Uses the storage serializer the silo configures.
/// </summary>
public class ComposerPackageStateTests
{
    private const string Metadata = """{"name":"acme/lib","description":"café \"quoted\"\nline, ☃ and \\ slash","version":"1.0.0"}""";

    private static readonly SystemTextJsonGrainStorageSerializer Storage = new(Options.Create(new SystemTextJsonGrainStorageSerializerOptions()));

    [Fact]
    public void State_stored_with_metadata_as_a_string_reads_back_as_its_UTF8_bytes()
    {
        var stored = Storage.Serialize(new StringState { Versions = { ["1.0.0.0"] = new StringVersion { Version = "1.0.0", Metadata = Metadata } } });

        var state = Storage.Deserialize<ComposerPackageState>(stored)!;

        Assert.Equal(Encoding.UTF8.GetBytes(Metadata), state.Versions["1.0.0.0"].Metadata);
        Assert.Equal("café \"quoted\"\nline, ☃ and \\ slash", JsonNode.Parse(state.Versions["1.0.0.0"].Metadata)!["description"]!.GetValue<string>());
    }

    [Fact]
    public void Metadata_is_stored_as_the_same_JSON_string()
    {
        var state = new ComposerPackageState();
        state.Versions["1.0.0.0"] = new ComposerVersionRecord { Version = "1.0.0", Metadata = Encoding.UTF8.GetBytes(Metadata) };

        var stored = Storage.Serialize(state);

        Assert.Equal(Metadata, Storage.Deserialize<StringState>(stored)!.Versions["1.0.0.0"].Metadata);
        Assert.Equal(Encoding.UTF8.GetBytes(Metadata), Storage.Deserialize<ComposerPackageState>(stored)!.Versions["1.0.0.0"].Metadata);
    }

    [Fact]
    public void Metadata_that_is_not_a_string_is_refused()
    {
        var stored = Storage.Serialize(new { Versions = new Dictionary<string, object> { ["1.0.0.0"] = new { Metadata = 42 } } });

        Assert.ThrowsAny<System.Text.Json.JsonException>(() => Storage.Deserialize<ComposerPackageState>(stored));
    }

    [Fact]
    public void A_node_becomes_the_same_text_as_ToJsonString()
    {
        var node = JsonNode.Parse(Metadata)!;

        Assert.Equal(node.ToJsonString(), Encoding.UTF8.GetString(Utf8JsonTextConverter.Utf8(node)));
    }

    /// <summary>The state's shape before metadata became bytes.</summary>
    private sealed class StringState
    {
        public Dictionary<string, StringVersion> Versions { get; set; } = [];
    }

    private sealed class StringVersion
    {
        public string Version { get; set; } = "";
        public string Metadata { get; set; } = "";
    }
}
