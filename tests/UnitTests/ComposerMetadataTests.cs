using System.Text.Json.Nodes;
using OrleansRegistry.Composer;

namespace OrleansRegistry.UnitTests;

public class ComposerMetadataTests
{
    private static JsonObject Version(string version, string? require, bool withHomepage)
    {
        var metadata = new JsonObject
        {
            ["name"] = "acme/lib",
            ["version"] = version,
            ["version_normalized"] = version + ".0",
        };
        if (require is not null)
        {
            metadata["require"] = new JsonObject { ["acme/util"] = require };
        }

        if (withHomepage)
        {
            metadata["homepage"] = "https://acme.test";
        }

        metadata["dist"] = new JsonObject { ["type"] = "zip", ["url"] = $"/dists/acme/lib/{version}.0/abc.zip", ["shasum"] = "abc" };
        return metadata;
    }

    [Fact]
    public void Minify_keeps_only_changes_and_unsets_removed_keys_and_expands_back()
    {
        JsonObject[] versions = [Version("3.0.0", "^2.0", false), Version("2.0.0", "^2.0", true), Version("1.0.0", "^1.0", false)];
        var minified = ComposerMetadata.Minify(versions);

        Assert.Equal(versions[0].ToJsonString(), minified[0].ToJsonString());
        Assert.False(minified[1].ContainsKey("require"));
        Assert.False(minified[1].ContainsKey("name"));
        Assert.Equal("https://acme.test", minified[1]["homepage"]!.GetValue<string>());
        Assert.Equal(ComposerMetadata.Unset, minified[2]["homepage"]!.GetValue<string>());
        Assert.Equal("^1.0", minified[2]["require"]!["acme/util"]!.GetValue<string>());

        var expanded = ComposerMetadata.Expand(minified);
        Assert.Equal(versions.Length, expanded.Count);
        for (var i = 0; i < versions.Length; i++)
        {
            Assert.True(JsonNode.DeepEquals(versions[i], expanded[i]), $"version {i}: {expanded[i].ToJsonString()}");
        }
    }

    [Theory]
    [InlineData("acme/lib", true)]
    [InlineData("acme/my-lib_2.x", true)]
    [InlineData("acme/lib--x", true)]
    [InlineData("Acme/lib", false)]
    [InlineData("acme", false)]
    [InlineData("acme/lib/extra", false)]
    [InlineData("-acme/lib", false)]
    public void Package_names_follow_composers_rule(string name, bool valid) => Assert.Equal(valid, ComposerNames.IsValid(name));

    [Fact]
    public void Versions_sort_newest_first_with_stability()
    {
        string[] normalized = ["1.0.0.0-beta2", "1.0.0.0", "2.0.0.0", "1.0.0.0-RC1", "1.10.0.0", "1.2.0.0", "1.0.0.0-alpha1"];
        var sorted = normalized.OrderByDescending(v => v, ComposerVersionComparer.Instance).ToArray();
        Assert.Equal(["2.0.0.0", "1.10.0.0", "1.2.0.0", "1.0.0.0", "1.0.0.0-RC1", "1.0.0.0-beta2", "1.0.0.0-alpha1"], sorted);
    }
}
