using OrleansRegistry.ApiKeys;

namespace OrleansRegistry.UnitTests;

public class ApiKeyTokenTests
{
    [Fact]
    public void Generated_token_round_trips_through_its_format()
    {
        var token = ApiKeyToken.Generate();
        var text = token.Format("reg_");
        Assert.StartsWith("reg_", text, StringComparison.Ordinal);
        var parsed = ApiKeyToken.TryParse(text, "reg_");
        Assert.Equal(token, parsed);
        Assert.Equal(token.SecretHash(), parsed!.SecretHash());
    }

    [Fact]
    public void Two_generated_tokens_differ() => Assert.NotEqual(ApiKeyToken.Generate(), ApiKeyToken.Generate());

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("reg_")]
    [InlineData("reg_abc")]
    [InlineData("reg_abc_")]
    [InlineData("reg__secretsecretsecret")]
    [InlineData("xyz_abc_secretsecretsecret")]
    [InlineData("reg_ABC_secretsecretsecret")]
    [InlineData("reg_abc_short")]
    [InlineData("reg_abc_secret-with-dash-chars")]
    public void Rejects_malformed_tokens(string? text) => Assert.Null(ApiKeyToken.TryParse(text, "reg_"));

    [Fact]
    public void Honours_a_custom_prefix()
    {
        var token = ApiKeyToken.Generate();
        Assert.NotNull(ApiKeyToken.TryParse(token.Format("acme-"), "acme-"));
        Assert.Null(ApiKeyToken.TryParse(token.Format("acme-"), "reg_"));
    }

    [Fact]
    public void Hash_depends_on_the_secret() =>
        Assert.NotEqual(ApiKeyToken.HashSecret("aaaaaaaaaaaaaaaaaaaa"), ApiKeyToken.HashSecret("aaaaaaaaaaaaaaaaaaab"));
}
