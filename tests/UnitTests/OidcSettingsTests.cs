using Microsoft.Extensions.Configuration;
using OrleansRegistry.WebFrontend.Hosting;
using OrleansRegistry.WebFrontend.SignIn;

namespace OrleansRegistry.UnitTests;

public sealed class OidcSettingsTests
{
    private static readonly Dictionary<string, string?> Complete = new()
    {
        ["Registry:Oidc:IssuerUrl"] = "https://login.example.com/tenant/v2.0/",
        ["Registry:Oidc:ClientId"] = "registry",
        ["Registry:Oidc:RedirectUrl"] = "https://registry.example.com/auth/callback",
    };

    private static OidcSettings? Read(Dictionary<string, string?> values) =>
        OidcSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build());

    [Fact]
    public void Nothing_set_is_off_and_a_complete_setup_has_its_defaults()
    {
        Assert.Null(Read([]));
        var settings = Read(Complete)!;
        Assert.Equal("https://login.example.com/tenant/v2.0", settings.IssuerText);
        Assert.Equal(["openid", "profile", "email"], settings.Scopes);
        Assert.Equal("groups", settings.GroupsClaim);
        Assert.Equal(TimeSpan.FromHours(24), settings.SessionLifetime);
        Assert.Equal(TimeSpan.FromDays(30), settings.TerraformTokenLifetime);
        Assert.Empty(settings.GroupRoles);
    }

    [Theory]
    [InlineData("Registry:Oidc:ClientId", "REGISTRY_OIDC_CLIENT_ID is not set")]
    [InlineData("Registry:Oidc:IssuerUrl", "REGISTRY_OIDC_ISSUER_URL is not set")]
    [InlineData("Registry:Oidc:RedirectUrl", "REGISTRY_OIDC_REDIRECT_URL is not set")]
    public void A_partial_setup_names_the_missing_setting(string missing, string message)
    {
        var values = new Dictionary<string, string?>(Complete) { [missing] = null };
        Assert.StartsWith(message, Assert.Throws<ConfigurationException>(() => Read(values)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Registry:Oidc:IssuerUrl", "http://login.example.com", "REGISTRY_OIDC_ISSUER_URL must be an absolute https URL")]
    [InlineData("Registry:Oidc:RedirectUrl", "/auth/callback", "REGISTRY_OIDC_REDIRECT_URL must be an absolute https URL")]
    [InlineData("Registry:Oidc:GroupRoles", "platform=acme", "REGISTRY_OIDC_GROUP_ROLES: 'platform=acme' is not group=organization:role")]
    [InlineData("Registry:Oidc:GroupRoles", "a=acme:viewer,=acme:admin", "REGISTRY_OIDC_GROUP_ROLES: '=acme:admin'")]
    [InlineData("Registry:Oidc:GroupRoles", "platform=Acme Corp:viewer", "REGISTRY_OIDC_GROUP_ROLES: 'platform=Acme Corp:viewer'")]
    [InlineData("Registry:Oidc:SessionLifetime", "-01:00:00", "REGISTRY_OIDC_SESSION_LIFETIME must be a positive time span")]
    [InlineData("Registry:Oidc:TerraformTokenLifetime", "a month", "REGISTRY_OIDC_TERRAFORM_TOKEN_LIFETIME must be a positive time span")]
    [InlineData("Registry:Oidc:SessionLifetime", "24:00:00", "REGISTRY_OIDC_SESSION_LIFETIME must be a positive time span [days.]hh:mm:ss with hours below 24")]
    public void Malformed_values_are_refused_with_the_reason(string key, string value, string message)
    {
        var values = new Dictionary<string, string?>(Complete) { [key] = value };
        Assert.StartsWith(message, Assert.Throws<ConfigurationException>(() => Read(values)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lifetimes_read_days_and_hours_as_written()
    {
        var values = new Dictionary<string, string?>(Complete) { ["Registry:Oidc:SessionLifetime"] = "08:00:00", ["Registry:Oidc:TerraformTokenLifetime"] = "7.00:00:00" };
        var settings = Read(values)!;
        Assert.Equal(TimeSpan.FromHours(8), settings.SessionLifetime);
        Assert.Equal(TimeSpan.FromDays(7), settings.TerraformTokenLifetime);
    }

    [Fact]
    public void Group_roles_are_parsed_with_groups_that_contain_separators_of_their_own()
    {
        var values = new Dictionary<string, string?>(Complete)
        {
            ["Registry:Oidc:GroupRoles"] = "platform-team=acme:devops; CN=Auditors,OU=Groups=acme:auditor",
            ["Registry:Oidc:IssuerUrl"] = "http://127.0.0.1:8080",
        };

        // Commas split entries, so a group name with commas cannot be written; the last '=' and ':' split the rest.
        Assert.Throws<ConfigurationException>(() => Read(values));
        values["Registry:Oidc:GroupRoles"] = "platform-team=acme:devops; a=b=globex:auditor";
        var roles = Read(values)!.GroupRoles;
        Assert.Equal([new GroupRole("platform-team", "acme", "devops"), new GroupRole("a=b", "globex", "auditor")], roles);
    }
}
