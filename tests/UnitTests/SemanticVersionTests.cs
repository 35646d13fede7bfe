using OrleansRegistry.Versions;

namespace OrleansRegistry.UnitTests;

public class SemanticVersionTests
{
    [Theory]
    [InlineData("1.2.3", "1.2.3")]
    [InlineData("v1.2.3", "1.2.3")]
    [InlineData("0.0.1-rc.1", "0.0.1-rc.1")]
    [InlineData("10.20.30-alpha.beta+build.5", "10.20.30-alpha.beta+build.5")]
    public void Accepts_and_normalizes(string text, string expected)
    {
        Assert.True(SemanticVersion.TryParse(text, out var version, out var error), error);
        Assert.Equal(expected, version.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("1.2")]
    [InlineData("1.2.3.4")]
    [InlineData("01.2.3")]
    [InlineData("1.2.3-")]
    [InlineData("1.2.3-01")]
    [InlineData("1.2.x")]
    [InlineData("latest")]
    [InlineData("1.2.3+")]
    public void Rejects_invalid(string text)
    {
        Assert.False(SemanticVersion.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Orders_by_semver_precedence()
    {
        string[] ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.10.0", "2.0.0"];
        var parsed = ordered.Select(v => SemanticVersion.TryParse(v, out var p, out _) ? p : throw new InvalidOperationException(v)).ToList();
        var shuffled = parsed.OrderBy(v => v.GetHashCode()).ToList();
        shuffled.Sort();
        Assert.Equal(ordered, shuffled.Select(v => v.ToString()));
    }

    [Theory]
    [InlineData("1.0.0-a.-0", "1.0.0-a.1", 1)] // "-0" holds a hyphen, so it is alphanumeric and ranks above numbers
    [InlineData("1.0.0-a.99999999999999999999", "1.0.0-a.100000000000000000000", -1)] // numeric however long
    [InlineData("1.0.0-rc.1+b.1", "1.0.0-rc.1+a.2", 0)]
    public void Compares_pre_release_identifiers_as_the_spec_says_and_ignores_build_metadata(string text, string other, int expected)
    {
        Assert.True(SemanticVersion.TryParse(text, out var version, out _));
        Assert.True(SemanticVersion.TryParse(other, out var otherVersion, out _));
        Assert.Equal(expected, Math.Sign(version.CompareTo(otherVersion)));
        Assert.Equal(-expected, Math.Sign(otherVersion.CompareTo(version)));
    }
}
