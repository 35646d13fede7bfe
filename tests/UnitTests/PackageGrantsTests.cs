using OrleansRegistry.ApiKeys;
using OrleansRegistry.WebFrontend.Api;

namespace OrleansRegistry.UnitTests;

public class PackageGrantsTests
{
    [Theory]
    [InlineData("acme/*", "acme/billing-core", true)]
    [InlineData("acme/billing-*", "acme/billing-core", true)]
    [InlineData("acme/billing-*", "acme/billing-", true)]
    [InlineData("acme/billing-*", "acme/other", false)]
    [InlineData("acme/billing-*", "acme/billing", false)]
    [InlineData("acme/*-core", "acme/billing-core", true)]
    [InlineData("acme/*-core", "acme/billing-core-extra", false)]
    [InlineData("acme/a*b*c", "acme/aXbYbZc", true)]
    [InlineData("acme/a*b*c", "acme/aXcYb", false)]
    [InlineData("acme-*/lib", "acme-eu/lib", true)]
    [InlineData("acme/lib", "acme/lib", true)]
    [InlineData("acme/lib", "acme/lib2", false)]
    [InlineData("acme/*", "acmex/lib", false)]
    [InlineData("acme/**", "acme/lib", true)]
    public void A_star_matches_any_run_of_characters(string pattern, string package, bool matches) =>
        Assert.Equal(matches, PackageGrants.Matches(pattern, package));

    [Fact]
    public void No_patterns_allow_every_package_and_some_allow_what_one_matches()
    {
        Assert.True(PackageGrants.Allows(null, "globex/anything"));
        Assert.True(PackageGrants.Allows(["globex/*", "acme/billing-*"], "acme/billing-core"));
        Assert.False(PackageGrants.Allows(["globex/*", "acme/billing-*"], "acme/other"));
        Assert.False(PackageGrants.Allows([], "acme/other"));
        Assert.True(new ApiKeyPrincipal("k", "n", [Scopes.PackagesRead], null).CanAccessPackage("acme/other"));
        Assert.False(new ApiKeyPrincipal("k", "n", [Scopes.PackagesRead], null, ["acme/billing-*"]).CanAccessPackage("acme/other"));
    }

    [Theory]
    [InlineData("acme/*", "acme/billing-*", true)]
    [InlineData("acme/*", "acme/*", true)]
    [InlineData("acme/billing-*", "acme/billing-core", true)]
    [InlineData("acme/billing-*", "acme/billing-core-*", true)]
    [InlineData("acme/billing-*", "acme/*", false)]
    [InlineData("acme/billing-*", "acme/bill*", false)]
    [InlineData("acme/*-core", "acme/*", false)]
    [InlineData("acme-*/*", "acme-eu/*", true)]
    [InlineData("acme/*", "acme*/*", false)]
    public void A_pattern_covers_another_when_it_matches_its_text(string outer, string inner, bool covers) =>
        Assert.Equal(covers, PackageGrants.Covers([outer], [inner]));

    [Fact]
    public void Covering_needs_every_inner_pattern_and_no_limit_covers_everything()
    {
        Assert.True(PackageGrants.Covers(null, null));
        Assert.True(PackageGrants.Covers(null, ["acme/*"]));
        Assert.False(PackageGrants.Covers(["acme/*"], null));
        Assert.True(PackageGrants.Covers(["acme/*", "globex/lib"], ["acme/x", "globex/lib"]));
        Assert.False(PackageGrants.Covers(["acme/*", "globex/lib"], ["acme/x", "globex/*"]));
    }

    [Theory]
    [InlineData("acme/billing-*", "acme/*", true)]
    [InlineData("acme/billing-*", "*", true)]
    [InlineData("acme/a*", "acme/*b", true)]
    [InlineData("acme/a*", "acme/b*", false)]
    [InlineData("acme/billing-*", "globex/*", false)]
    [InlineData("acme/x*y", "acme/*z", false)]
    [InlineData("acme/lib", "acme/lib", true)]
    public void Two_patterns_overlap_when_some_name_matches_both(string a, string b, bool overlap)
    {
        Assert.Equal(overlap, PackageGrants.Overlaps(a, b));
        Assert.Equal(overlap, PackageGrants.Overlaps(b, a));
    }

    [Theory]
    [InlineData("acme/*", true)]
    [InlineData("acme/billing-*", true)]
    [InlineData("acme/billing-core", true)]
    [InlineData("acme-*/lib", true)]
    [InlineData("acme/*.*", true)]
    [InlineData("*/*", false)]
    [InlineData("*/lib", false)]
    [InlineData("*", false)]
    [InlineData("acme", false)]
    [InlineData("acme/", false)]
    [InlineData("acme/a/b", false)]
    [InlineData("Acme/*", false)]
    [InlineData("acme/-*", false)]
    [InlineData("acme/billing core", false)]
    [InlineData("acme/%", false)]
    public void Patterns_are_composer_names_with_stars(string pattern, bool valid) =>
        Assert.Equal(valid, PackageGrants.IsValid(pattern));

    [Fact]
    public void A_pattern_list_must_hold_one_to_a_hundred_short_patterns()
    {
        Assert.Null(PackageGrants.Problem(["acme/*"]));
        Assert.Contains("1-100", PackageGrants.Problem([]), StringComparison.Ordinal);
        Assert.Contains("1-100", PackageGrants.Problem([.. Enumerable.Range(0, 101).Select(i => $"acme/p{i}")]), StringComparison.Ordinal);
        Assert.Contains("not null", PackageGrants.Problem([null!]), StringComparison.Ordinal);
        var tooLong = "acme/" + new string('a', 196);
        Assert.Contains(tooLong, PackageGrants.Problem([tooLong]), StringComparison.Ordinal);
        Assert.Contains("'*/*'", PackageGrants.Problem(["acme/*", "*/*"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Like_patterns_escape_what_like_would_read_as_wildcards() =>
        Assert.Equal("acme/my\\_lib-%", PackageGrants.ToLike("acme/my_lib-*"));

    [Fact]
    public void A_patterned_key_grants_only_patterns_within_its_own()
    {
        var manager = new ApiKeyPrincipal("k1", "team", [Scopes.ApiKeysManage, Scopes.PackagesRead], null, ["acme/billing-*"]);
        var now = DateTimeOffset.UtcNow;
        Assert.Null(ApiKeyRules.Validate(new CreateApiKeyRequest("ci", [Scopes.PackagesRead], null, null, PackagePatterns: ["acme/billing-core"]), manager, now));
        Assert.Null(ApiKeyRules.Validate(new CreateApiKeyRequest("ci", [Scopes.PackagesRead], null, null, PackagePatterns: ["ACME/Billing-*"]), manager, now));
        Assert.Equal(OutcomeCode.Forbidden, ApiKeyRules.Validate(new CreateApiKeyRequest("wide", [Scopes.PackagesRead], null, null, PackagePatterns: ["acme/*"]), manager, now)?.Code);
        Assert.Equal(OutcomeCode.Forbidden, ApiKeyRules.Validate(new CreateApiKeyRequest("all", [Scopes.PackagesRead], null, null), manager, now)?.Code);
        Assert.Equal(OutcomeCode.Invalid, ApiKeyRules.Validate(new CreateApiKeyRequest("bad", [Scopes.PackagesRead], null, null, PackagePatterns: ["*/*"]), manager, now)?.Code);

        // A change leaving the patterns out keeps them (the key is already within the caller's); giving them checks them.
        Assert.Null(ApiKeyRules.ValidateUpdate(new UpdateApiKeyRequest("renamed", null), manager, now));
        Assert.Equal(OutcomeCode.Forbidden, ApiKeyRules.ValidateUpdate(new UpdateApiKeyRequest(null, null, PackagePatterns: ["acme/*"]), manager, now)?.Code);
        Assert.Null(ApiKeyRules.ValidateUpdate(new UpdateApiKeyRequest(null, null, PackagePatterns: ["acme/billing-x"]), manager, now));
    }

    [Fact]
    public void A_patterned_manager_manages_only_keys_within_its_patterns()
    {
        var manager = new ApiKeyPrincipal("k1", "team", [Scopes.ApiKeysManage, Scopes.PackagesRead], null, ["acme/billing-*"]);
        ApiKeyView Key(string[]? patterns) => new("k2", "ci", [Scopes.PackagesRead], null, DateTimeOffset.UtcNow, null, null, null, "k1", PackagePatterns: patterns);
        Assert.True(ApiKeyRules.MayManage(manager, Key(["acme/billing-core"])));
        Assert.False(ApiKeyRules.MayManage(manager, Key(["acme/*"])));
        Assert.False(ApiKeyRules.MayManage(manager, Key(null)));
        Assert.True(ApiKeyRules.MayManage(manager with { PackagePatterns = null }, Key(null)));
    }

    [Fact]
    public void No_key_manages_one_holding_a_scope_it_lacks()
    {
        // A user manager of acme (keys, and reading) and the keys of acme's members.
        var manager = new ApiKeyPrincipal("k1", "pat", [Scopes.ApiKeysManage, Scopes.ModulesRead], ["acme"], null, "acme");
        ApiKeyView Key(params string[] scopes) => new("k2", "key", scopes, ["acme"], DateTimeOffset.UtcNow, null, null, null, "k1", Owner: new OrleansRegistry.Organizations.KeyOwner("acme", OrleansRegistry.Organizations.MemberKind.User, "u1"));
        Assert.True(ApiKeyRules.MayManage(manager, Key(Scopes.ModulesRead)));
        Assert.False(ApiKeyRules.MayManage(manager, Key(Scopes.Admin))); // the organization admin's key: no rotating it to read its secret
        Assert.False(ApiKeyRules.MayManage(manager, Key(Scopes.ModulesRead, Scopes.ModulesWrite)));
        Assert.True(ApiKeyRules.MayManage(manager with { Scopes = [Scopes.Admin] }, Key(Scopes.ModulesWrite, Scopes.ApiKeysManage)));
    }
}
