using System.Net;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests;

/// <summary>
/// Behind a TLS-terminating proxy, links in documents carry the scheme and host the client used, taken from the
/// proxy's X-Forwarded-Proto and -Host — only when the proxy is one REGISTRY_TRUSTED_PROXIES names; anyone else's
/// forwarded headers are ignored, so a client cannot make the registry hand out links to a host of its choosing.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ForwardedHeadersTests(PostgresServer postgres)
{
    [Theory]
    [InlineData("127.0.0.1", "http://registry.example.com/")]
    [InlineData("10.0.0.0/8, 192.168.1.1", "https://127.0.0.1:")]
    public async Task Dist_links_follow_forwarded_headers_only_from_a_trusted_proxy(string trusted, string linkStart)
    {
        var dataDir = ProviderMirrorTests.TempDir("forwarded");
        await using var node = await RegistryNode.StartAsync(await postgres.CreateDatabaseAsync(), dataDir, TestCertificates.Create(Path.Combine(dataDir, "tls")), TestCertificates.Create(Path.Combine(dataDir, "ca")).CaPath,
            settings: new Dictionary<string, string> { ["REGISTRY_TRUSTED_PROXIES"] = trusted });
        await node.Api.CreateNamespaceAsync("acme");
        using (var published = await node.Api.PublishComposerAsync(ComposerCli.PackageZip("acme/lib", version: "1.0.0")))
        {
            Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        }

        using var request = node.Api.Request(HttpMethod.Get, "/p2/acme/lib.json");
        request.Headers.Add("X-Forwarded-Proto", "http");
        request.Headers.Add("X-Forwarded-Host", "registry.example.com");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        using var response = await node.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var url = document.GetProperty("packages").GetProperty("acme/lib")[0].GetProperty("dist").GetProperty("url").GetString()!;
        Assert.StartsWith(linkStart, url, StringComparison.Ordinal);
    }
}
