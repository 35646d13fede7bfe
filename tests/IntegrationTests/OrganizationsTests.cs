using System.Net;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests;

/// <summary>
/// Organizations own namespaces; their members (service accounts here, users once signed in) hold a role from a
/// template or a custom role; a member's key never does more than the member's role allows in the organization's
/// namespaces, and a demotion or removal binds the key's very next request.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OrganizationsTests(PostgresServer postgres) : IAsyncLifetime
{
    private RegistryInstance _registry = null!;

    public async Task InitializeAsync()
    {
        _registry = await RegistryInstance.StartAsync(await postgres.CreateDatabaseAsync());
        foreach (var ns in new[] { "team-a", "team-b" })
        {
            await _registry.CreateNamespaceAsync(ns);
        }

        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/organizations", new { name = "acme", display_name = "ACME Corp" }, expectedStatus: 201);
        await _registry.JsonAsync(HttpMethod.Put, "/api/v1/organizations/acme/namespaces/team-a");
    }

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    [Fact]
    public async Task A_members_key_is_bound_by_its_role_and_a_demotion_or_removal_binds_its_next_request()
    {
        await SetMemberAsync("ci", "publisher");
        var key = await CreateMemberKeyAsync("ci", ["modules:write"]);

        using (var published = await _registry.PublishModuleAsync("team-a", "net", "aws", "1.0.0", ModuleArchives.Greeting("1.0.0"), key: key))
        {
            Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        }

        // Namespaces outside the organization are out of reach, even though the key asked for none in particular.
        using (var outside = await _registry.PublishModuleAsync("team-b", "net", "aws", "1.0.0", ModuleArchives.Greeting("1.0.0"), key: key))
        {
            Assert.Equal(HttpStatusCode.Forbidden, outside.StatusCode);
        }

        await SetMemberAsync("ci", "viewer");
        using (var demoted = await _registry.PublishModuleAsync("team-a", "net", "aws", "1.1.0", ModuleArchives.Greeting("1.1.0"), key: key))
        {
            Assert.Equal(HttpStatusCode.Forbidden, demoted.StatusCode);
        }

        var modules = await _registry.JsonAsync(HttpMethod.Get, "/v1/modules", key: key);
        Assert.Single(modules.GetProperty("modules").EnumerateArray());

        await _registry.JsonAsync(HttpMethod.Delete, "/api/v1/organizations/acme/members/service-accounts/ci", expectedStatus: 204);
        var revoked = await _registry.JsonAsync(HttpMethod.Get, "/v1/modules", key: key, expectedStatus: 401);
        Assert.Contains("revoked", revoked.GetProperty("error").GetString(), StringComparison.Ordinal);
        var audit = await _registry.JsonAsync(HttpMethod.Get, "/api/v1/audit");
        Assert.Contains("organization.remove-member", audit.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Namespaces_claimed_and_released_reach_the_members_keys_at_once()
    {
        await SetMemberAsync("deployer", "viewer");
        var key = await CreateMemberKeyAsync("deployer", ["namespaces:read"]);
        Assert.Equal(["team-a"], await NamespacesSeenAsync(key));

        await _registry.JsonAsync(HttpMethod.Put, "/api/v1/organizations/acme/namespaces/acme-new");
        Assert.Equal(["acme-new", "team-a"], await NamespacesSeenAsync(key));

        await _registry.JsonAsync(HttpMethod.Delete, "/api/v1/organizations/acme/namespaces/team-a");
        Assert.Equal(["acme-new"], await NamespacesSeenAsync(key));

        // A namespace belongs to one organization at a time.
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/organizations", new { name = "globex" }, expectedStatus: 201);
        var taken = await _registry.JsonAsync(HttpMethod.Put, "/api/v1/organizations/globex/namespaces/acme-new", expectedStatus: 409);
        Assert.Contains("acme", taken.GetProperty("error").GetString(), StringComparison.Ordinal);
        await _registry.JsonAsync(HttpMethod.Put, "/api/v1/organizations/globex/namespaces/team-a");
        var ns = await _registry.JsonAsync(HttpMethod.Get, "/api/v1/namespaces/team-a");
        Assert.Equal("globex", ns.GetProperty("organization").GetString());
    }

    [Fact]
    public async Task A_user_manager_manages_its_own_organization_within_its_own_rights()
    {
        await SetMemberAsync("people", "user_manager");
        var manager = await CreateMemberKeyAsync("people", ["api_keys:manage", "modules:read", "providers:read", "packages:read", "mirrors:read", "namespaces:read"]);

        await _registry.JsonAsync(HttpMethod.Put, "/api/v1/organizations/acme/members/service-accounts/reader", new { role = "viewer" }, key: manager);
        await _registry.JsonAsync(HttpMethod.Put, "/api/v1/organizations/acme/members/service-accounts/reader", new { role = "publisher" }, key: manager, expectedStatus: 403);
        await _registry.JsonAsync(HttpMethod.Put, "/api/v1/organizations/acme/members/service-accounts/boss", new { role = "admin" }, key: manager, expectedStatus: 403);
        await _registry.JsonAsync(HttpMethod.Put, "/api/v1/organizations/acme/roles/lister", new { scopes = new[] { "namespaces:read" } }, key: manager);
        var added = await _registry.JsonAsync(HttpMethod.Put, "/api/v1/organizations/acme/members/service-accounts/lister", new { role = "lister" }, key: manager);
        Assert.Equal("service_account", added.GetProperty("kind").GetString());

        // A member's key makes keys only for members of its organization, and lists only theirs.
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/apikeys", new { name = "x", scopes = new[] { "namespaces:read" } }, key: manager, expectedStatus: 400);
        var listerKey = await _registry.JsonAsync(HttpMethod.Post, "/api/v1/apikeys",
            new { name = "lister key", scopes = new[] { "namespaces:read" }, owner = new { organization = "acme", service_account = "lister" } }, key: manager, expectedStatus: 201);
        Assert.Equal("acme", listerKey.GetProperty("owner").GetProperty("organization").GetString());
        var keys = await _registry.JsonAsync(HttpMethod.Get, "/api/v1/apikeys", key: manager);
        Assert.All(keys.GetProperty("api_keys").EnumerateArray(), k => Assert.Equal("acme", k.GetProperty("owner").GetProperty("organization").GetString()));
        Assert.Equal(2, keys.GetProperty("api_keys").GetArrayLength());
        Assert.Equal(3, (await _registry.JsonAsync(HttpMethod.Get, "/api/v1/organizations/acme/members", key: manager)).GetProperty("members").GetArrayLength());

        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/organizations", new { name = "initech" }, expectedStatus: 201);
        await _registry.JsonAsync(HttpMethod.Get, "/api/v1/organizations/initech", key: manager, expectedStatus: 404);
        await _registry.JsonAsync(HttpMethod.Put, "/api/v1/organizations/initech/members/service-accounts/spy", new { role = "viewer" }, key: manager, expectedStatus: 404);
        var orgs = await _registry.JsonAsync(HttpMethod.Get, "/api/v1/organizations", key: manager);
        Assert.Equal(["acme"], orgs.GetProperty("organizations").EnumerateArray().Select(o => o.GetProperty("name").GetString()));
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/organizations", new { name = "mine" }, key: manager, expectedStatus: 403);
    }

    [Fact]
    public async Task Custom_roles_change_what_their_holders_keys_may_do()
    {
        await _registry.JsonAsync(HttpMethod.Put, "/api/v1/organizations/acme/roles/inspector", new { scopes = new[] { "modules:read", "audit:read" } });
        await SetMemberAsync("inspect", "inspector");
        var key = await CreateMemberKeyAsync("inspect", ["audit:read", "modules:read"]);
        // An auditor of the organization sees its organization's entries, not another's.
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/organizations", new { name = "team-a" }, expectedStatus: 201);
        var audit = (await _registry.JsonAsync(HttpMethod.Get, "/api/v1/audit", key: key)).GetProperty("entries").EnumerateArray().ToList();
        Assert.Contains(audit, e => e.GetProperty("action").GetString() == "organization.set-role" && e.GetProperty("target").GetString() == "acme");
        Assert.DoesNotContain(audit, e => e.GetProperty("action").GetString() == "organization.create" && e.GetProperty("target").GetString() == "team-a");

        await _registry.JsonAsync(HttpMethod.Put, "/api/v1/organizations/acme/roles/inspector", new { scopes = new[] { "modules:read" } });
        await _registry.JsonAsync(HttpMethod.Get, "/api/v1/audit", key: key, expectedStatus: 403);
        await _registry.JsonAsync(HttpMethod.Get, "/v1/modules", key: key);

        await _registry.JsonAsync(HttpMethod.Delete, "/api/v1/organizations/acme/roles/inspector", expectedStatus: 409);
        await _registry.JsonAsync(HttpMethod.Put, "/api/v1/organizations/acme/roles/viewer", new { scopes = new[] { "modules:read" } }, expectedStatus: 409);
        var roles = await _registry.JsonAsync(HttpMethod.Get, "/api/v1/organizations/acme/roles");
        Assert.Equal(7, roles.GetProperty("roles").GetArrayLength());
    }

    [Fact]
    public async Task Keys_beyond_the_owners_role_and_malformed_requests_are_refused_with_the_reason()
    {
        await SetMemberAsync("small", "viewer");
        var beyond = await _registry.JsonAsync(HttpMethod.Post, "/api/v1/apikeys",
            new { name = "k", scopes = new[] { "modules:write" }, owner = new { organization = "acme", service_account = "small" } }, expectedStatus: 403);
        Assert.Contains("viewer", beyond.GetProperty("error").GetString(), StringComparison.Ordinal);
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/apikeys",
            new { name = "k", scopes = new[] { "modules:read" }, namespaces = new[] { "team-b" }, owner = new { organization = "acme", service_account = "small" } }, expectedStatus: 403);
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/apikeys",
            new { name = "k", scopes = new[] { "modules:read" }, owner = new { organization = "acme", service_account = "nobody" } }, expectedStatus: 400);
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/apikeys",
            new { name = "k", scopes = new[] { "modules:read" }, owner = new { organization = "acme", service_account = "small", user = "u1" } }, expectedStatus: 400);

        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/organizations", new { name = "Not Valid" }, expectedStatus: 400);
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/organizations", new { name = "acme" }, expectedStatus: 409);
        await _registry.JsonAsync(HttpMethod.Put, "/api/v1/organizations/acme/members/robots/r1", new { role = "viewer" }, expectedStatus: 400);
        await _registry.JsonAsync(HttpMethod.Put, "/api/v1/organizations/acme/members/service-accounts/r1", new { }, expectedStatus: 400);
        await _registry.JsonAsync(HttpMethod.Put, "/api/v1/organizations/acme/members/service-accounts/r1", new { role = "wizard" }, expectedStatus: 400);
        await _registry.JsonAsync(HttpMethod.Put, "/api/v1/organizations/acme/roles/odd", new { scopes = new[] { "modules:fly" } }, expectedStatus: 400);
        await _registry.JsonAsync(HttpMethod.Get, "/api/v1/organizations/nowhere", expectedStatus: 404);
        await _registry.JsonAsync(HttpMethod.Delete, "/api/v1/organizations/acme", expectedStatus: 409);
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/organizations", new { name = "empty" }, expectedStatus: 201);
        await _registry.JsonAsync(HttpMethod.Delete, "/api/v1/organizations/empty", expectedStatus: 204);
        await _registry.JsonAsync(HttpMethod.Get, "/api/v1/organizations/empty", expectedStatus: 404);
    }

    [Fact]
    public async Task The_contact_email_is_set_on_creation_and_changed_by_a_registry_admin_or_the_organizations_own_admin()
    {
        var created = await _registry.JsonAsync(HttpMethod.Post, "/api/v1/organizations", new { name = "initech", contact_email = "it@initech.test" }, expectedStatus: 201);
        Assert.Equal("it@initech.test", created.GetProperty("contact_email").GetString());
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/organizations", new { name = "bad", contact_email = "IT <it@initech.test>" }, expectedStatus: 400);

        await SetMemberAsync("boss", "admin");
        var orgAdmin = await CreateMemberKeyAsync("boss", ["admin"]);
        var changed = await _registry.JsonAsync(HttpMethod.Patch, "/api/v1/organizations/acme", new { contact_email = "platform@acme.test" }, key: orgAdmin);
        Assert.Equal("platform@acme.test", changed.GetProperty("contact_email").GetString());
        Assert.Equal("ACME Corp", changed.GetProperty("display_name").GetString());
        var listed = await _registry.JsonAsync(HttpMethod.Get, "/api/v1/organizations", key: orgAdmin);
        Assert.Equal("platform@acme.test", listed.GetProperty("organizations")[0].GetProperty("contact_email").GetString());

        // Another organization is not its admin's to see; a member below admin may not change its own.
        await _registry.JsonAsync(HttpMethod.Patch, "/api/v1/organizations/initech", new { contact_email = "x@acme.test" }, key: orgAdmin, expectedStatus: 404);
        await SetMemberAsync("clerk", "user_manager");
        var clerk = await CreateMemberKeyAsync("clerk", ["api_keys:manage"]);
        await _registry.JsonAsync(HttpMethod.Patch, "/api/v1/organizations/acme", new { contact_email = "x@acme.test" }, key: clerk, expectedStatus: 403);

        var invalid = await _registry.JsonAsync(HttpMethod.Patch, "/api/v1/organizations/acme", new { contact_email = "not an address" }, expectedStatus: 400);
        Assert.Contains("'contact_email'", invalid.GetProperty("error").GetString(), StringComparison.Ordinal);
        await _registry.JsonAsync(HttpMethod.Patch, "/api/v1/organizations/acme", new { display_name = " " }, expectedStatus: 400);
        await _registry.JsonAsync(HttpMethod.Patch, "/api/v1/organizations/nowhere", new { display_name = "x" }, expectedStatus: 404);

        var cleared = await _registry.JsonAsync(HttpMethod.Patch, "/api/v1/organizations/acme", new { display_name = "ACME", contact_email = "" });
        Assert.False(cleared.TryGetProperty("contact_email", out _));
        Assert.Equal("ACME", (await _registry.JsonAsync(HttpMethod.Get, "/api/v1/organizations/acme")).GetProperty("display_name").GetString());
        var audited = (await _registry.JsonAsync(HttpMethod.Get, "/api/v1/audit?action=organization.update&target=acme")).GetProperty("entries");
        Assert.Equal(["removed", "set"], audited.EnumerateArray().Select(e => e.GetProperty("details").GetProperty("contact_email").GetString()));
    }

    /// <summary>Adds the service account (201) or changes its role (200).</summary>
    private async Task SetMemberAsync(string serviceAccount, string role)
    {
        using var response = await _registry.SendAsync(HttpMethod.Put, $"/api/v1/organizations/acme/members/service-accounts/{serviceAccount}",
            content: System.Net.Http.Json.JsonContent.Create(new { role }));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<string> CreateMemberKeyAsync(string serviceAccount, string[] scopes)
    {
        var created = await _registry.JsonAsync(HttpMethod.Post, "/api/v1/apikeys",
            new { name = $"{serviceAccount} key", scopes, owner = new { organization = "acme", service_account = serviceAccount } }, expectedStatus: 201);
        return created.GetProperty("key").GetString()!;
    }

    private async Task<string[]> NamespacesSeenAsync(string key)
    {
        var page = await _registry.JsonAsync(HttpMethod.Get, "/api/v1/namespaces", key: key);
        return [.. page.GetProperty("namespaces").EnumerateArray().Select(n => n.GetProperty("name").GetString()!).Order(StringComparer.Ordinal)];
    }
}
