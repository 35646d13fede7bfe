using System.Net;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests.Ui;

/// <summary>
/// One registry for all of <see cref="AdminUiTests"/>, signing people in through a real OIDC provider as well as with
/// keys: the organization <c>acme</c> owns the namespace <c>acme</c> (its group platform-team gives the devops role,
/// see <see cref="SignInFlow.Settings"/>), and <c>globex</c> is a namespace of no organization; each has a module.
/// Mirrors never sync on their own here (the first sync is an hour away): every sync in the tests is one they asked for.
/// </summary>
public sealed class AdminUiRegistry(PostgresServer postgres) : IAsyncLifetime
{
    /// <summary>The provider's people: alice is in acme's platform team.</summary>
    public static readonly Dictionary<string, string[]> Groups = new() { ["alice"] = ["platform-team"] };

    public OidcProvider Provider { get; private set; } = null!;

    public RegistryInstance Registry { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var port = PostgresServer.FreePort();
        Provider = await OidcProvider.StartAsync([SignInFlow.CallbackUrl(port)], Groups);
        var settings = SignInFlow.Settings(port, Provider.Issuer);
        settings["Mirrors:FirstSyncDelay"] = "01:00:00";
        Registry = await RegistryInstance.StartAsync(await postgres.CreateDatabaseAsync(), settings: settings);

        await Registry.JsonAsync(HttpMethod.Post, "/api/v1/organizations", new { name = "acme", display_name = "Acme" }, expectedStatus: 201);
        await Registry.CreateNamespaceAsync("acme");
        await Registry.CreateNamespaceAsync("globex");
        await Registry.JsonAsync(HttpMethod.Put, "/api/v1/organizations/acme/namespaces/acme");
        foreach (var ns in new[] { "acme", "globex" })
        {
            using var published = await Registry.PublishModuleAsync(ns, "greeting", "null", "1.0.0", ModuleArchives.Greeting("1.0.0"));
            Assert.True(published.StatusCode == HttpStatusCode.Created, await published.Content.ReadAsStringAsync());
        }
    }

    public async Task DisposeAsync()
    {
        if (Registry is not null)
        {
            await Registry.DisposeAsync();
        }

        if (Provider is not null)
        {
            await Provider.DisposeAsync();
        }
    }
}
