using System.Globalization;
using OrleansRegistry.ApiKeys;

namespace OrleansRegistry.IntegrationTests.Infrastructure;

/// <summary>
/// A whole registry (silo + frontend) as its own process over HTTPS: for tests that need the process environment
/// (SSL_CERT_FILE trusting a private upstream CA) or a hard kill. Several nodes on one database form one cluster.
/// </summary>
public sealed class RegistryNode : IAsyncDisposable
{
    private readonly RegistryProcess _process;
    private readonly IReadOnlyDictionary<string, string> _environment;

    private RegistryNode(RegistryProcess process, IReadOnlyDictionary<string, string> environment, TestCertificates tls, int httpsPort, int siloPort, int metricsPort, string adminKey)
    {
        MetricsPort = metricsPort;
        _process = process;
        _environment = environment;
        Certificates = tls;
        HttpsPort = httpsPort;
        SiloPort = siloPort;
        AdminKey = adminKey;
        Client = tls.CreateClient(new Uri($"https://127.0.0.1:{httpsPort}"));
    }

    public TestCertificates Certificates { get; }
    public int HttpsPort { get; }
    public int SiloPort { get; }

    /// <summary>The plain-HTTP listener (Composer's), from the node's settings.</summary>
    public int HttpPort => int.Parse(_environment["REGISTRY_HTTP_PORT"], CultureInfo.InvariantCulture);
    public int MetricsPort { get; }
    public string AdminKey { get; }
    public string Host => $"127.0.0.1:{HttpsPort}";
    public HttpClient Client { get; }
    public RegistryApi Api => new(Client, AdminKey);
    public string Output => _process.Output;
    public int ProcessId => _process.Id;

    /// <param name="trustedCa">The CA file the node's outgoing HTTPS trusts (its SSL_CERT_FILE).</param>
    public static async Task<RegistryNode> StartAsync(
        string database, string dataDir, TestCertificates tls, string trustedCa, string? adminKey = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        adminKey ??= ApiKeyToken.Generate().Format(ApiKeyToken.DefaultPrefix);
        int httpsPort = PostgresServer.FreePort(), httpPort = PostgresServer.FreePort(), siloPort = PostgresServer.FreePort(), metricsPort = PostgresServer.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["REGISTRY_DB"] = database,
            ["REGISTRY_DATA_DIR"] = dataDir,
            ["REGISTRY_LISTEN_ADDRESS"] = "127.0.0.1",
            ["REGISTRY_HTTPS_PORT"] = Port(httpsPort),
            ["REGISTRY_HTTP_PORT"] = Port(httpPort),
            ["REGISTRY_METRICS_PORT"] = Port(metricsPort),
            ["REGISTRY_SILO_PORT"] = Port(siloPort),
            ["REGISTRY_GATEWAY_PORT"] = Port(PostgresServer.FreePort()),
            ["REGISTRY_TLS_CERT"] = tls.CertificatePath,
            ["REGISTRY_TLS_KEY"] = tls.KeyPath,
            ["REGISTRY_URL_SIGNING_KEY"] = Convert.ToBase64String(Enumerable.Repeat((byte)42, 32).ToArray()),
            ["REGISTRY_ENCRYPTION_KEY"] = Convert.ToBase64String(Enumerable.Repeat((byte)7, 32).ToArray()),
            ["REGISTRY_HOSTNAMES"] = "registry.acme.test",
            ["REGISTRY_BOOTSTRAP_ADMIN_KEY"] = adminKey,
            ["REGISTRY_CLUSTER_ID"] = "node-test",
            ["REGISTRY_SERVICE_ID"] = "node-test",
            ["SSL_CERT_FILE"] = trustedCa,
            ["SSL_CERT_DIR"] = Path.Combine(dataDir, "no-ca-dir"),
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__OrleansRegistry"] = "Information",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return await LaunchAsync(environment, tls, httpsPort, siloPort, metricsPort, adminKey);
    }

    /// <summary>
    /// The same node again (same ports, database and data directory) after it stopped or was killed: a silo back on its
    /// own address replaces its dead entry in the membership table at once.
    /// </summary>
    public Task<RegistryNode> RestartAsync() => LaunchAsync(_environment, Certificates, HttpsPort, SiloPort, MetricsPort, AdminKey);

    private static async Task<RegistryNode> LaunchAsync(
        IReadOnlyDictionary<string, string> environment, TestCertificates tls, int httpsPort, int siloPort, int metricsPort, string adminKey)
    {
        var node = new RegistryNode(RegistryProcess.Start("Silo.dll", environment), environment, tls, httpsPort, siloPort, metricsPort, adminKey);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            try
            {
                using var ready = await node.Client.GetAsync("/health/ready");
                if (ready.IsSuccessStatusCode)
                {
                    return node;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                await node.DisposeAsync();
                throw new TimeoutException("registry node did not become ready:\n" + node.Output);
            }

            await Task.Delay(250);
        }
    }

    /// <summary>The Prometheus text of the node's metrics endpoint.</summary>
    public async Task<string> MetricsAsync()
    {
        using var http = new HttpClient();
        return await http.GetStringAsync($"http://127.0.0.1:{MetricsPort}/metrics");
    }

    /// <summary>SIGTERM, as a deployment stops a pod, without waiting for the exit.</summary>
    public Task TerminateAsync() => _process.TerminateAsync();

    /// <summary>The exit code once the process has exited within <paramref name="timeout"/>; null if it still runs.</summary>
    public Task<int?> ExitCodeWithinAsync(TimeSpan timeout) => _process.ExitCodeWithinAsync(timeout);

    /// <summary>SIGKILL: no graceful shutdown, no deactivation, like a crashed machine.</summary>
    public Task KillAsync() => _process.KillAsync();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _process.DisposeAsync();
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
