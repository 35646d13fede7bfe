using OrleansRegistry.Mirroring;

namespace OrleansRegistry.UnitTests;

public class MirrorSettingsTests
{
    private static readonly MirrorSettings Valid = new(
        "terraform-providers", " hashicorp ", "https://registry.terraform.io/", "", ["hashicorp/null", "HashiCorp/*"], ">= 3.0", ["linux_amd64"], 0, true, false);

    [Fact]
    public void Normalizes_names_urls_defaults_and_case()
    {
        var (settings, error) = MirrorSettingsRules.Normalize(Valid);
        Assert.Null(error);
        Assert.Equal("hashicorp", settings!.Name);
        Assert.Equal("https://registry.terraform.io", settings.UpstreamUrl);
        Assert.Equal("registry.terraform.io", settings.Hostname);
        Assert.Equal(["hashicorp/null", "hashicorp/*"], settings.Providers);
        Assert.Equal(MirrorSettingsRules.DefaultIntervalMinutes, settings.IntervalMinutes);
    }

    public static TheoryData<MirrorSettings, string> Invalid => new()
    {
        { Valid with { Kind = "composer" }, "'kind'" },
        { Valid with { Name = "" }, "'name'" },
        { Valid with { UpstreamUrl = "registry.terraform.io" }, "'upstream_url'" },
        { Valid with { UpstreamUrl = "https://user:pw@registry.terraform.io" }, "without credentials" },
        { Valid with { UpstreamUrl = "http://registry.internal" }, "allow_insecure" },
        { Valid with { Hostname = "not a host" }, "'hostname'" },
        { Valid with { Providers = [] }, "'providers'" },
        { Valid with { Providers = ["hashicorp"] }, "'hashicorp'" },
        { Valid with { Providers = ["*/*"] }, "'*/*'" },
        { Valid with { Versions = "newest" }, "'versions'" },
        { Valid with { Platforms = ["linux-amd64"] }, "'linux-amd64'" },
        { Valid with { Platforms = ["plan9_amd64"] }, "'plan9_amd64'" },
        { Valid with { IntervalMinutes = -5 }, "'interval_minutes'" },
        { Valid with { IntervalMinutes = 100_000 }, "'interval_minutes'" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Rejects_with_the_field_named(MirrorSettings settings, string expected)
    {
        var (normalized, error) = MirrorSettingsRules.Normalize(settings);
        Assert.Null(normalized);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_http_needs_allow_insecure()
    {
        var (settings, error) = MirrorSettingsRules.Normalize(Valid with { UpstreamUrl = "http://registry.internal:8080", AllowInsecure = true });
        Assert.Null(error);
        Assert.Equal("registry.internal", settings!.Hostname);
    }

    [Theory]
    [InlineData("hashicorp/null", "hashicorp", "null", true)]
    [InlineData("hashicorp/null", "hashicorp", "aws", false)]
    [InlineData("hashicorp/*", "hashicorp", "aws", true)]
    [InlineData("hashicorp/*", "acme", "aws", false)]
    public void Patterns_match_namespace_and_type(string pattern, string ns, string type, bool matches) =>
        Assert.Equal(matches, ProviderPattern.AnyMatches([pattern], ns, type));
}
