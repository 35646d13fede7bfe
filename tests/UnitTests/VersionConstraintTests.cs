using OrleansRegistry.Versions;

namespace OrleansRegistry.UnitTests;

public class VersionConstraintTests
{
    private static readonly string[] Available = ["2.9.0", "3.0.0", "3.1.0", "3.2.0-rc.1", "3.2.0", "3.10.1", "4.0.0"];

    [Theory]
    [InlineData("", "2.9.0,3.0.0,3.1.0,3.2.0,3.10.1,4.0.0")]
    [InlineData(">= 3.0, < 4.0", "3.0.0,3.1.0,3.2.0,3.10.1")]
    [InlineData("~> 3.1", "3.1.0,3.2.0,3.10.1")]
    [InlineData("~> 3.1.0", "3.1.0")]
    [InlineData("~> 3", "3.0.0,3.1.0,3.2.0,3.10.1")]
    [InlineData("3.2.0", "3.2.0")]
    [InlineData("= 3.2.0-rc.1", "3.2.0-rc.1")]
    [InlineData(">3.0.0,!=3.1.0,<=4", "3.2.0,3.10.1,4.0.0")]
    [InlineData("latest:2", "4.0.0,3.10.1")]
    [InlineData("latest:100", "4.0.0,3.10.1,3.2.0,3.1.0,3.0.0,2.9.0")]
    public void Selects_what_terraform_would_allow(string constraint, string expected)
    {
        Assert.True(VersionConstraint.TryParse(constraint, out var parsed, out var error), error);
        var selected = parsed.Select(Available.Select(Parse)).Select(v => v.ToString());
        Assert.Equal(expected.Split(','), selected);
    }

    [Theory]
    [InlineData(">= three")]
    [InlineData("latest:0")]
    [InlineData("latest:x")]
    [InlineData("1.2.3.4")]
    [InlineData(">= 1.0,")]
    public void Rejects_what_is_not_a_constraint(string constraint)
    {
        Assert.False(VersionConstraint.TryParse(constraint, out _, out var error));
        Assert.Contains(constraint.Trim(), error, StringComparison.Ordinal);
    }

    private static SemanticVersion Parse(string text) =>
        SemanticVersion.TryParse(text, out var version, out _) ? version : throw new ArgumentException(text);
}
