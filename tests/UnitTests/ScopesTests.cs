using OrleansRegistry.ApiKeys;
using OrleansRegistry.WebFrontend.Api;

namespace OrleansRegistry.UnitTests;

public class ScopesTests
{
    [Theory]
    [InlineData("modules:write", "modules:read", true)]
    [InlineData("modules:read", "modules:write", false)]
    [InlineData("modules:write", "providers:read", false)]
    [InlineData("mirrors:manage", "mirrors:read", true)]
    [InlineData("admin", "api_keys:manage", true)]
    [InlineData("namespaces:write", "namespaces:read", true)]
    [InlineData("packages:read", "modules:read", false)]
    public void Write_implies_read_and_admin_implies_all(string granted, string required, bool allowed) =>
        Assert.Equal(allowed, Scopes.Satisfies([granted], required));

    [Fact]
    public void A_key_cannot_create_a_more_powerful_key()
    {
        var manager = new ApiKeyPrincipal("k1", "ci", [Scopes.ApiKeysManage, Scopes.ModulesRead], ["acme"]);
        var now = DateTimeOffset.UtcNow;
        Assert.Null(ApiKeyRules.Validate(new CreateApiKeyRequest("r", [Scopes.ModulesRead], ["acme"], null), manager, now));
        Assert.Equal(OutcomeCode.Forbidden, ApiKeyRules.Validate(new CreateApiKeyRequest("w", [Scopes.ModulesWrite], ["acme"], null), manager, now)?.Code);
        Assert.Equal(OutcomeCode.Forbidden, ApiKeyRules.Validate(new CreateApiKeyRequest("all", [Scopes.ModulesRead], null, null), manager, now)?.Code);
        Assert.Equal(OutcomeCode.Forbidden, ApiKeyRules.Validate(new CreateApiKeyRequest("other", [Scopes.ModulesRead], ["globex"], null), manager, now)?.Code);
    }

    [Fact]
    public void Rejects_unknown_scopes_and_past_expiry()
    {
        var admin = new ApiKeyPrincipal("k1", "admin", [Scopes.Admin], null);
        var now = DateTimeOffset.UtcNow;
        Assert.Contains("unknown scope", ApiKeyRules.Validate(new CreateApiKeyRequest("x", ["modules:delete"], null, null), admin, now)?.Reason, StringComparison.Ordinal);
        Assert.Contains("expires_at", ApiKeyRules.Validate(new CreateApiKeyRequest("x", [Scopes.ModulesRead], null, now.AddMinutes(-1)), admin, now)?.Reason, StringComparison.Ordinal);
        Assert.Contains("name", ApiKeyRules.Validate(new CreateApiKeyRequest(" ", [Scopes.ModulesRead], null, null), admin, now)?.Reason, StringComparison.Ordinal);
        Assert.Contains("namespace", ApiKeyRules.Validate(new CreateApiKeyRequest("x", [Scopes.ModulesRead], ["../etc"], null), admin, now)?.Reason, StringComparison.Ordinal);
    }
}
