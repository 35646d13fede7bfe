using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests;

/// <summary>
/// Browser sign-in through a real OpenID Connect provider (oidc-provider from npm): the authorization code flow with
/// PKCE, a session cookie, roles from the provider's groups, and the setup mistakes an operator makes first (a redirect
/// URI the provider does not know, an issuer spelled differently) shown as such.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SignInTests(PostgresServer postgres)
{
    private static readonly Dictionary<string, string[]> Groups = new() { ["alice"] = ["platform-team", "unrelated"], ["bob"] = [] };

    [Fact]
    public async Task A_person_signs_in_through_the_provider_and_gets_the_role_their_group_maps_to()
    {
        var port = PostgresServer.FreePort();
        await using var provider = await OidcProvider.StartAsync([CallbackUrl(port)], Groups);
        await using var registry = await StartRegistryAsync(port, provider.Issuer);
        await registry.JsonAsync(HttpMethod.Post, "/api/v1/organizations", new { name = "acme" }, expectedStatus: 201);

        using var browser = new Browser(registry.Certificates);
        var me = await SignInAsync(browser, port, "alice", provider.Issuer);
        Assert.Equal("alice@example.test", me.GetProperty("email").GetString());
        Assert.Equal("User alice", me.GetProperty("name").GetString());
        var membership = Assert.Single(me.GetProperty("organizations").EnumerateArray());
        Assert.Equal("acme", membership.GetProperty("organization").GetString());
        Assert.Equal("devops", membership.GetProperty("role").GetString());

        var members = await registry.JsonAsync(HttpMethod.Get, "/api/v1/organizations/acme/members");
        var member = Assert.Single(members.GetProperty("members").EnumerateArray());
        Assert.Equal("user", member.GetProperty("kind").GetString());
        Assert.Equal(me.GetProperty("id").GetString(), member.GetProperty("id").GetString());

        // People are listed for registry-wide keys, and looked up by exact address by an organization's user manager.
        var users = await registry.JsonAsync(HttpMethod.Get, "/api/v1/users");
        Assert.Equal("alice@example.test", Assert.Single(users.GetProperty("users").EnumerateArray()).GetProperty("email").GetString());
        await registry.JsonAsync(HttpMethod.Put, "/api/v1/organizations/acme/members/service-accounts/people", new { role = "user_manager" });
        var manager = (await registry.JsonAsync(HttpMethod.Post, "/api/v1/apikeys", new
        {
            name = "people", scopes = new[] { "api_keys:manage", "namespaces:read" }, owner = new { organization = "acme", service_account = "people" },
        }, expectedStatus: 201)).GetProperty("key").GetString();
        await registry.JsonAsync(HttpMethod.Get, "/api/v1/users", key: manager, expectedStatus: 403);
        var found = await registry.JsonAsync(HttpMethod.Get, "/api/v1/users?email=ALICE@example.test", key: manager);
        Assert.Equal(me.GetProperty("id").GetString(), Assert.Single(found.GetProperty("users").EnumerateArray()).GetProperty("id").GetString());

        // No group, no role; and a session ends when asked to.
        using var other = new Browser(registry.Certificates);
        var bob = await SignInAsync(other, port, "bob", provider.Issuer);
        Assert.Empty(bob.GetProperty("organizations").EnumerateArray());
        using var signedOut = await Send(other, HttpMethod.Post, port, "/auth/signout");
        Assert.Equal(HttpStatusCode.NoContent, signedOut.StatusCode);
        using var after = await Send(other, HttpMethod.Get, port, "/auth/me");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);

        var audit = await registry.JsonAsync(HttpMethod.Get, "/api/v1/audit?action=user.*");
        Assert.Equal(2, audit.GetProperty("entries").GetArrayLength());
    }

    [Fact]
    public async Task Leaving_the_group_takes_the_role_and_the_persons_keys_away_at_the_next_sign_in()
    {
        var port = PostgresServer.FreePort();
        await using var provider = await OidcProvider.StartAsync([CallbackUrl(port)], Groups);
        await using var registry = await StartRegistryAsync(port, provider.Issuer);
        await registry.JsonAsync(HttpMethod.Post, "/api/v1/organizations", new { name = "acme" }, expectedStatus: 201);
        using var browser = new Browser(registry.Certificates);
        var userId = (await SignInAsync(browser, port, "alice", provider.Issuer)).GetProperty("id").GetString();
        var key = (await registry.JsonAsync(HttpMethod.Post, "/api/v1/apikeys",
            new { name = "alice ci", scopes = new[] { "modules:read" }, owner = new { organization = "acme", user = userId } }, expectedStatus: 201)).GetProperty("key").GetString();
        await registry.JsonAsync(HttpMethod.Get, "/v1/modules", key: key);

        // A role given by hand stays; the one the group gave goes, with the keys, once the directory drops the group.
        await registry.JsonAsync(HttpMethod.Post, "/api/v1/organizations", new { name = "globex" }, expectedStatus: 201);
        await registry.JsonAsync(HttpMethod.Put, $"/api/v1/organizations/globex/members/users/{userId}", new { role = "viewer" }, expectedStatus: 200);
        await provider.SetGroupsAsync("alice", "unrelated");
        using var again = new Browser(registry.Certificates);
        var me = await SignInAsync(again, port, "alice", provider.Issuer);
        var membership = Assert.Single(me.GetProperty("organizations").EnumerateArray());
        Assert.Equal("globex", membership.GetProperty("organization").GetString());
        await registry.JsonAsync(HttpMethod.Get, "/v1/modules", key: key, expectedStatus: 401);
    }

    [Fact]
    public async Task A_redirect_uri_the_provider_does_not_know_is_named_on_the_page()
    {
        var port = PostgresServer.FreePort();
        await using var provider = await OidcProvider.StartAsync([$"https://127.0.0.1:{port}/elsewhere/callback"], Groups);
        await using var registry = await StartRegistryAsync(port, provider.Issuer);

        using var browser = new Browser(registry.Certificates);
        var (response, _) = await browser.GetAsync(new Uri($"https://127.0.0.1:{port}/auth/signin"));
        var page = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains($"does not accept the redirect URI {CallbackUrl(port)}", page, StringComparison.Ordinal);

        // A failed sign-in is audited like a refused key (rate-limited the same way), naming no one.
        await registry.Services.GetRequiredService<OrleansRegistry.WebFrontend.Audit.AuthFailureAudit>().FlushAsync();
        var audit = await registry.JsonAsync(HttpMethod.Get, "/api/v1/audit?action=auth.failed");
        var entry = Assert.Single(audit.GetProperty("entries").EnumerateArray());
        Assert.Equal("signin_failed", entry.GetProperty("details").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task An_issuer_spelled_differently_from_the_providers_own_is_named_on_the_page()
    {
        var port = PostgresServer.FreePort();
        await using var provider = await OidcProvider.StartAsync([CallbackUrl(port)], Groups);
        var misspelled = provider.Issuer.Replace("127.0.0.1", "localhost", StringComparison.Ordinal);
        await using var registry = await StartRegistryAsync(port, misspelled);

        using var browser = new Browser(registry.Certificates);
        var (response, _) = await browser.GetAsync(new Uri($"https://127.0.0.1:{port}/auth/signin"));
        var page = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains($"names its issuer &#39;{provider.Issuer}&#39;", page, StringComparison.Ordinal);
    }

    private static string CallbackUrl(int port) => SignInFlow.CallbackUrl(port);

    private async Task<RegistryInstance> StartRegistryAsync(int httpsPort, string issuer) =>
        await RegistryInstance.StartAsync(await postgres.CreateDatabaseAsync(), settings: SignInFlow.Settings(httpsPort, issuer));

    /// <summary>The flow a browser goes through: the registry, the provider's login and consent forms, back to /auth/me.</summary>
    private static async Task<JsonElement> SignInAsync(Browser browser, int port, string login, string issuer)
    {
        var (response, url) = await SignInFlow.CompleteAsync(browser, new Uri($"https://127.0.0.1:{port}/auth/signin?return_url=/auth/me"), issuer, login);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK && url.AbsolutePath == "/auth/me", $"{url}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task<HttpResponseMessage> Send(Browser browser, HttpMethod method, int port, string path) =>
        method == HttpMethod.Get
            ? (await browser.GetAsync(new Uri($"https://127.0.0.1:{port}{path}"))).Response
            : await browser.PostAsync(new Uri($"https://127.0.0.1:{port}{path}"));
}
