using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using OrleansRegistry.ApiKeys;
using OrleansRegistry.Silo;

namespace OrleansRegistry.IntegrationTests.Infrastructure;

/// <summary>
/// The real registry process (silo + frontend, as scripts/run.sh runs it) hosted in the test process on free
/// ports, over HTTPS with a test CA, against a real PostgreSQL database.
/// </summary>
public sealed class RegistryInstance : IAsyncDisposable
{
    private readonly WebApplication _app;
    private string _connectionString = "";

    private RegistryInstance(WebApplication app, string dataDir, TestCertificates certificates, int httpsPort, int httpPort, int metricsPort, string adminKey)
    {
        _app = app;
        DataDir = dataDir;
        Certificates = certificates;
        HttpsPort = httpsPort;
        HttpPort = httpPort;
        MetricsPort = metricsPort;
        AdminKey = adminKey;
        Client = certificates.CreateClient(new Uri($"https://127.0.0.1:{httpsPort}"));
    }

    public string DataDir { get; }
    public TestCertificates Certificates { get; }
    public int HttpsPort { get; }
    public int HttpPort { get; }
    public int MetricsPort { get; }
    public string AdminKey { get; }
    public string Host => $"127.0.0.1:{HttpsPort}";
    public HttpClient Client { get; }

    /// <summary>A client of the metrics listener (<c>/metrics</c>, <c>/health</c>).</summary>
    public HttpClient MetricsClient => _metricsClient ??= new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{MetricsPort}") };

    private HttpClient? _metricsClient;

    /// <summary>The host's services, for tests that look at what the process keeps.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts an instance; pass the same <paramref name="dataDir"/> and database to simulate a restart.</summary>
    public static async Task<RegistryInstance> StartAsync(string connectionString, string? dataDir = null, string? adminKey = null, IDictionary<string, string?>? settings = null)
    {
        // A port can still be lost to another process between choosing and binding it: retry with new ones.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(connectionString, dataDir, adminKey, settings);
            }
            catch (IOException e) when (attempt < 3 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
            }
        }
    }

    private static async Task<RegistryInstance> StartOnceAsync(string connectionString, string? dataDir, string? adminKey, IDictionary<string, string?>? settings)
    {
        dataDir ??= Path.Combine(Path.GetTempPath(), $"registry-data-{Guid.NewGuid():N}");
        var certificates = TestCertificates.Create(Path.Combine(dataDir, "tls"));
        adminKey ??= ApiKeyToken.Generate().Format(ApiKeyToken.DefaultPrefix);
        int httpsPort = PostgresServer.FreePort(), httpPort = PostgresServer.FreePort(), metricsPort = PostgresServer.FreePort();
        var config = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Registry"] = connectionString,
            ["Registry:DataDir"] = dataDir,
            ["Registry:ListenAddress"] = "127.0.0.1",
            ["Registry:HttpPort"] = httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Registry:HttpsPort"] = httpsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Registry:MetricsPort"] = metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Registry:Tls:CertificatePath"] = certificates.CertificatePath,
            ["Registry:Tls:KeyPath"] = certificates.KeyPath,
            ["Registry:UrlSigningKey"] = Convert.ToBase64String(Enumerable.Repeat((byte)42, 32).ToArray()),
            ["Registry:EncryptionKey"] = Convert.ToBase64String(Enumerable.Repeat((byte)7, 32).ToArray()),
            ["Registry:Hostnames"] = "registry.acme.test",
            ["Registry:BootstrapAdminKey"] = adminKey,
            ["Orleans:SiloPort"] = PostgresServer.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = PostgresServer.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:ClusterId"] = "test",
            ["Orleans:ServiceId"] = "test",
            ["Logging:LogLevel:Default"] = "Warning",
            // No balancer to drain from: a test's registry stops at once.
            ["Registry:ShutdownDrainDelay"] = "00:00:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        // A test may choose the HTTPS port itself (a redirect URI registered with a provider names it).
        httpsPort = int.Parse(config["Registry:HttpsPort"]!, System.Globalization.CultureInfo.InvariantCulture);

        var app = RegistryHost.Build([], c => c.AddInMemoryCollection(config));
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.StopAsync();
            await app.DisposeAsync();
            throw;
        }

        var instance = new RegistryInstance(app, dataDir, certificates, httpsPort, httpPort, metricsPort, adminKey) { _connectionString = connectionString };
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if ((await instance.Client.GetAsync("/health/ready")).IsSuccessStatusCode)
            {
                return instance;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("registry did not become ready");
    }

    public RegistryApi Api => new(Client, AdminKey);

    public HttpRequestMessage Request(HttpMethod method, string path, string? key = null, HttpContent? content = null) => Api.Request(method, path, key, content);

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? key = null, HttpContent? content = null) => Api.SendAsync(method, path, key, content);

    public Task<JsonElement> JsonAsync(HttpMethod method, string path, object? body = null, string? key = null, int expectedStatus = 200) =>
        Api.JsonAsync(method, path, body, key, expectedStatus);

    public Task CreateNamespaceAsync(string name) => Api.CreateNamespaceAsync(name);

    public Task<HttpResponseMessage> PublishComposerAsync(byte[] zip, string? version = null, string? key = null) => Api.PublishComposerAsync(zip, version, key);

    public Task<string> CreateKeyAsync(string[] scopes, string[]? namespaces = null) => Api.CreateKeyAsync(scopes, namespaces);

    public Task<HttpResponseMessage> PublishModuleAsync(string ns, string name, string system, string version, byte[] archive, string fileName = "module.tar.gz", string? key = null) =>
        Api.PublishModuleAsync(ns, name, system, version, archive, fileName, key);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        _metricsClient?.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        PostgresServer.ClosePool(_connectionString);
    }
}
