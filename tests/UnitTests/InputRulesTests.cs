using OrleansRegistry.Changes;
using OrleansRegistry.Composer;
using OrleansRegistry.WebFrontend.Api;

namespace OrleansRegistry.UnitTests;

/// <summary>Rules for input that ends up in URLs, storage paths, Terraform's output and the audit log.</summary>
public class InputRulesTests
{
    [Theory]
    [InlineData("main", true)]
    [InlineData("feature/x", true)]
    [InlineData("release/2.x", true)]
    [InlineData("fix#12", true)]
    [InlineData("", false)]
    [InlineData("../../x", false)]
    [InlineData("a/../b", false)]
    [InlineData("/x", false)]
    [InlineData("x/", false)]
    [InlineData("a//b", false)]
    [InlineData(".hidden", false)]
    [InlineData("a/.b", false)]
    [InlineData("x.lock", false)]
    [InlineData("x.", false)]
    [InlineData("a b", false)]
    [InlineData("a~1", false)]
    [InlineData("a:b", false)]
    [InlineData("a\\b", false)]
    [InlineData("a@{1}", false)]
    [InlineData("@", false)]
    [InlineData("tab\tname", false)]
    public void Branch_names_follow_Gits_rules(string name, bool valid) => Assert.Equal(valid, ComposerVersion.IsBranchName(name));

    [Theory]
    [InlineData(null, null, null)]
    [InlineData("use 2.x", "https://example.com/upgrade", null)]
    [InlineData(null, "http://intranet/notes", null)]
    [InlineData(null, "javascript:alert(1)", "'link'")]
    [InlineData(null, "ftp://example.com/x", "'link'")]
    [InlineData(null, "/relative", "'link'")]
    public void Deprecations_take_a_short_reason_and_a_web_link(string? reason, string? link, string? problem)
    {
        var found = new DeprecateRequest(reason, link).Problem();
        Assert.Equal(problem is null, found is null);
        if (problem is not null)
        {
            Assert.Contains(problem, found, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_deprecation_reason_has_at_most_a_thousand_characters()
    {
        Assert.Null(new DeprecateRequest(new string('x', 1000), null).Problem());
        Assert.Contains("'reason'", new DeprecateRequest(new string('x', 100_000), null).Problem(), StringComparison.Ordinal);
    }

    [Fact]
    public void Audit_details_are_serialized_json_whatever_they_hold()
    {
        var entry = AuditRecord.Of(new Actor("k1", "ci"), "mirror.create", "m1", DateTimeOffset.UnixEpoch, new { Upstream = "https://x/\"}, \"admin\": true, \"a\": {\"" });
        using var details = System.Text.Json.JsonDocument.Parse(entry.Details!);
        Assert.Equal("https://x/\"}, \"admin\": true, \"a\": {\"", details.RootElement.GetProperty("upstream").GetString());
        Assert.Single(details.RootElement.EnumerateObject());
    }
}
