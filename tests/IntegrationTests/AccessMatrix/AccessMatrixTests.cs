using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using OrleansRegistry.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansRegistry.IntegrationTests.AccessMatrix;

/// <summary>
/// Every endpoint the registry serves declares who may call it, and every identity — no key, each role of an
/// organization's member, another organization's admin, a key for another namespace, an expired and a revoked key,
/// one limited to other Composer packages, the registry's admin — gets what the declarations promise: 401 without a
/// valid key, 403 without the scope, 403 or 404 outside its reach, through otherwise, never a server error.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AccessMatrixTests(PostgresServer postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private OidcProvider _provider = null!;
    private RegistryInstance _registry = null!;

    // With the dashboard and OIDC sign-in on, so that their endpoints (mapped only then) are in the matrix too.
    public async Task InitializeAsync()
    {
        var httpsPort = PostgresServer.FreePort();
        _provider = await OidcProvider.StartAsync([SignInFlow.CallbackUrl(httpsPort)], new Dictionary<string, string[]>());
        var settings = SignInFlow.Settings(httpsPort, _provider.Issuer);
        settings["Registry:Dashboard"] = "true";
        _registry = await RegistryInstance.StartAsync(await postgres.CreateDatabaseAsync(), settings: settings);
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        await _provider.DisposeAsync();
    }

    [Fact]
    public void Every_endpoint_declares_who_may_call_it()
    {
        var undeclared = new RouteEndpoint(_ => Task.CompletedTask, RoutePatternFactory.Parse("/new"), 0, EndpointMetadataCollection.Empty, "new endpoint");
        Assert.NotNull(EndpointDeclaration.Problem(undeclared)); // the check itself sees a missing declaration

        var endpoints = EndpointDeclaration.Endpoints(_registry.Services);
        Assert.Contains(endpoints, e => e.RoutePattern.RawText == "/api/v1/audit"); // the app's endpoints, not an empty source
        var problems = endpoints.Select(EndpointDeclaration.Problem).OfType<string>().ToList();
        Assert.True(problems.Count == 0, $"{problems.Count} endpoint(s) without a clear access declaration:\n{string.Join('\n', problems)}");
    }

    [Fact]
    public async Task Every_identity_gets_what_each_endpoint_declares()
    {
        var world = await MatrixWorld.SeedAsync(_registry);
        var requests = EndpointDeclaration.Endpoints(_registry.Services).SelectMany(EndpointDeclaration.Read)
            .Select(e => MatrixRequests.For(e, world))
            .OrderBy(r => Phase(r.Endpoint.Method))
            // Deletes last, the deepest first (a deprecation before its version, a member before its organization).
            .ThenByDescending(r => r.Endpoint.Method == HttpMethods.Delete ? r.Endpoint.Pattern.Length : 0)
            .ThenBy(r => r.Endpoint.Pattern, StringComparer.Ordinal).ThenBy(r => r.Endpoint.Method, StringComparer.Ordinal)
            .ToList();

        var failures = new List<string>();
        var deviations = new HashSet<(string, string)>();
        var table = new StringBuilder();
        foreach (var request in requests)
        {
            // Refused identities first, then those let through: a delete still finds its target for every refusal.
            var rows = world.Identities.Select(identity => (Identity: identity, Expected: AccessExpectation.Of(request, identity)))
                .OrderBy(row => row.Expected == Expected.Allowed ? 1 : 0).ToList();
            var statuses = new Dictionary<MatrixIdentity, int>();
            int? publicStatus = null;
            foreach (var (identity, expected) in rows)
            {
                var (status, body) = await SendAsync(request, identity);
                statuses[identity] = status;
                publicStatus ??= identity.Key is null ? status : null;
                if (AccessExpectation.Problem(expected, status, body, identity, publicStatus) is not { } problem)
                {
                    continue;
                }

                if (KnownDeviations.All.ContainsKey((request.Endpoint.ToString(), identity.Name)))
                {
                    deviations.Add((request.Endpoint.ToString(), identity.Name));
                    continue;
                }

                failures.Add($"{request.Endpoint} ({request.Method} {request.Path}) as {identity}: got {status}, {problem}: {Shorten(body)}");
            }

            table.Append(request.Endpoint.ToString().PadRight(80)).AppendJoin(' ', world.Identities.Select(i => statuses[i])).AppendLine();
        }

        failures.AddRange(KnownDeviations.All.Keys.Where(k => !deviations.Contains(k))
            .Select(k => $"{k.Endpoint} as {k.Identity}: listed in {nameof(KnownDeviations)} but answered as declared now; remove the entry"));
        output.WriteLine($"access matrix: {requests.Count} endpoints x {world.Identities.Count} identities = {requests.Count * world.Identities.Count} requests");
        output.WriteLine($"columns: {string.Join(" | ", world.Identities)}");
        output.WriteLine(table.ToString());
        Assert.True(failures.Count == 0, $"{failures.Count} of {requests.Count * world.Identities.Count} requests broke the endpoints' declarations:\n{string.Join('\n', failures)}");
    }

    private static int Phase(string method) => method == HttpMethods.Get || method == HttpMethods.Head ? 0 : method == HttpMethods.Delete ? 2 : 1;

    private async Task<(int Status, string Body)> SendAsync(MatrixRequest request, MatrixIdentity identity)
    {
        using var message = new HttpRequestMessage(request.Method, request.Path) { Content = request.Body() };
        if (identity.Key is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", identity.Key);
        }

        var client = request.OnMetricsListener ? _registry.MetricsClient : _registry.Client;
        using var response = await client.SendAsync(message);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Shorten(string body) => body.Length <= 300 ? body : body[..300] + "…";
}
