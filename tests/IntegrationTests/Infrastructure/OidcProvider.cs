using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace OrleansRegistry.IntegrationTests.Infrastructure;

/// <summary>
/// A real OpenID Connect provider: oidc-provider from npm (scripts/test.sh installs it and exports
/// REGISTRY_TEST_OIDC_PROVIDER, the path of its lib/index.js), started by oidc-provider.mjs on a free loopback port
/// with one confidential client and a development login form that accepts any login name.
/// </summary>
public sealed class OidcProvider : IAsyncDisposable
{
    public const string ClientId = "registry";
    public const string ClientSecret = "registry-client-secret";

    private readonly Process _process;

    private OidcProvider(Process process, string issuer) => (_process, Issuer) = (process, issuer);

    /// <summary>The issuer the provider names itself by (its discovery document's "issuer").</summary>
    public string Issuer { get; }

    /// <param name="redirectUris">The redirect URIs registered for the client.</param>
    /// <param name="groups">Each login name's groups (the "groups" claim).</param>
    public static async Task<OidcProvider> StartAsync(IEnumerable<string> redirectUris, IDictionary<string, string[]> groups)
    {
        var module = Environment.GetEnvironmentVariable("REGISTRY_TEST_OIDC_PROVIDER") is { Length: > 0 } path && File.Exists(path)
            ? path
            : throw new InvalidOperationException("REGISTRY_TEST_OIDC_PROVIDER must name oidc-provider's lib/index.js (scripts/test.sh installs oidc-provider from npm and sets it)");
        var port = PostgresServer.FreePort();
        var issuer = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        var script = Path.Combine(AppContext.BaseDirectory, "Infrastructure", "oidc-provider.mjs");
        var process = Process.Start(new ProcessStartInfo("node",
            [script, module, port.ToString(CultureInfo.InvariantCulture), issuer, ClientId, ClientSecret, string.Join(',', redirectUris), JsonSerializer.Serialize(groups)]))
            ?? throw new InvalidOperationException("node is not installed");
        var provider = new OidcProvider(process, issuer);
        await ServerProcesses.WaitUntilListeningAsync(process, port);
        return provider;
    }

    /// <summary>Gives <paramref name="login"/> these groups from the next sign-in on (a change in the directory).</summary>
    public async Task SetGroupsAsync(string login, params string[] groups)
    {
        using var client = new HttpClient();
        using var response = await client.PutAsync($"{Issuer}/test/groups/{Uri.EscapeDataString(login)}", new StringContent(JsonSerializer.Serialize(groups)));
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        await ServerProcesses.StopAsync(_process);
        _process.Dispose();
    }
}
