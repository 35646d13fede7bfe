using OrleansRegistry.Mirroring;
using OrleansRegistry.WebFrontend.Api;

namespace OrleansRegistry.UnitTests;

public class MirrorSettingsTests
{
    private static readonly ProviderMirrorSettings ValidProviders = new("", ["hashicorp/null", "HashiCorp/*"], ">= 3.0", ["linux_amd64"], true);

    private static readonly MirrorSettings Valid = new(" hashicorp ", "https://registry.terraform.io/", 0, false, ValidProviders);

    private static MirrorSettings With(ProviderMirrorSettings providers) => Valid with { KindSettings = providers };

    private static ProviderMirrorSettings ProvidersOf(MirrorSettings? settings) => Assert.IsType<ProviderMirrorSettings>(settings?.KindSettings);

    [Fact]
    public void Normalizes_names_urls_defaults_and_case()
    {
        var (settings, error) = MirrorSettingsRules.Normalize(Valid);
        Assert.Null(error);
        Assert.Equal("hashicorp", settings!.Name);
        Assert.Equal("https://registry.terraform.io", settings.UpstreamUrl);
        Assert.Equal("registry.terraform.io", ProvidersOf(settings).Hostname);
        Assert.Equal(["hashicorp/null", "hashicorp/*"], ProvidersOf(settings).Providers);
        Assert.Equal(MirrorSettingsRules.DefaultIntervalMinutes, settings.IntervalMinutes);
    }

    public static TheoryData<MirrorSettings, string> Invalid => new()
    {
        { Valid with { Name = "" }, "'name'" },
        { Valid with { UpstreamUrl = "registry.terraform.io" }, "'upstream_url'" },
        { Valid with { UpstreamUrl = "https://user:pw@registry.terraform.io" }, "without credentials" },
        { Valid with { UpstreamUrl = "http://registry.internal" }, "allow_insecure" },
        { With(ValidProviders with { Hostname = "not a host" }), "'hostname'" },
        { With(ValidProviders with { Providers = [] }), "'providers'" },
        { With(ValidProviders with { Providers = ["hashicorp"] }), "'hashicorp'" },
        { With(ValidProviders with { Providers = ["*/*"] }), "'*/*'" },
        { With(ValidProviders with { Versions = "newest" }), "'versions'" },
        { With(ValidProviders with { Platforms = ["linux-amd64"] }), "'linux-amd64'" },
        { With(ValidProviders with { Platforms = ["plan9_amd64"] }), "'plan9_amd64'" },
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
        Assert.Equal("registry.internal", ProvidersOf(settings).Hostname);
    }

    [Fact]
    public void A_request_of_an_unknown_kind_is_rejected_with_the_field_named()
    {
        var request = new MirrorRequest(
            "composer", "packagist", "https://repo.packagist.org", null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
        var (settings, error) = request.ToSettings(null);
        Assert.Null(settings);
        Assert.Contains("'kind'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hashicorp/null", "hashicorp", "null", true)]
    [InlineData("hashicorp/null", "hashicorp", "aws", false)]
    [InlineData("hashicorp/*", "hashicorp", "aws", true)]
    [InlineData("hashicorp/*", "acme", "aws", false)]
    public void Patterns_match_namespace_and_type(string pattern, string ns, string type, bool matches) =>
        Assert.Equal(matches, ProviderPattern.AnyMatches([pattern], ns, type));
}
