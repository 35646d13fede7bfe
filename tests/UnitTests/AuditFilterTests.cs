using OrleansRegistry.WebFrontend.Api;

namespace OrleansRegistry.UnitTests;

/// <summary>The audit log's query filters: what they accept and the parameter a refusal names.</summary>
public class AuditFilterTests
{
    [Fact]
    public void Reads_an_exact_action_a_prefix_an_actor_and_a_time_range()
    {
        var filter = AuditFilter.Read("AbC123", "apikey.*", "2025-01-31T10:00:00+02:00", "2025-02-01T00:00:00.5Z");
        Assert.Null(filter.Problem);
        Assert.Equal("abc123", filter.Actor);
        Assert.Equal("apikey.", filter.Action);
        Assert.True(filter.ActionIsPrefix);
        Assert.Equal(new DateTimeOffset(2025, 1, 31, 8, 0, 0, TimeSpan.Zero), filter.Since);
        Assert.Equal(new DateTimeOffset(2025, 2, 1, 0, 0, 0, 500, TimeSpan.Zero), filter.Until);

        var exact = AuditFilter.Read(null, "namespace.add-signing-key", null, null);
        Assert.Equal(("namespace.add-signing-key", false), (exact.Action, exact.ActionIsPrefix));
        Assert.Equal(new AuditFilter(null, null, false, null, null, null), AuditFilter.Read(null, null, null, null));
    }

    [Theory]
    [InlineData("a b", null, null, null, "'actor'")]
    [InlineData("", null, null, null, "'actor'")]
    [InlineData("abc\n", null, null, null, "'actor'")]
    [InlineData(null, "*", null, null, "'action'")]
    [InlineData(null, "api*key", null, null, "'action'")]
    [InlineData(null, "apikey.**", null, null, "'action'")]
    [InlineData(null, "apikey.%", null, null, "'action'")]
    [InlineData(null, null, "yesterday", null, "'since'")]
    [InlineData(null, null, "2025-01-31", null, "'since'")]
    [InlineData(null, null, "2025-01-31T10:00:00", null, "'since'")]
    [InlineData(null, null, "2025-02-30T10:00:00Z", null, "'since'")]
    [InlineData(null, null, "1738300000", null, "'since'")]
    [InlineData(null, null, null, "2025-01-31T10:00:00 02:00", "'until'")]
    [InlineData(null, null, "2025-01-31T10:00:00Z", "2025-01-31T10:00:00Z", "'since' must be before 'until'")]
    public void Refuses_malformed_values_naming_the_parameter(string? actor, string? action, string? since, string? until, string named)
    {
        var problem = AuditFilter.Read(actor, action, since, until).Problem;
        Assert.NotNull(problem);
        Assert.StartsWith(named, problem, StringComparison.Ordinal);
    }
}
