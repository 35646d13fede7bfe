using System.Globalization;
using System.Net;
using OrleansRegistry.WebFrontend.Hosting;

namespace OrleansRegistry.WebFrontend.Health;

/// <summary>
/// <c>Silo health</c> / <c>OrleansRegistry.WebFrontend health</c>: the container images' HEALTHCHECK. The ASP.NET runtime
/// image has no curl or wget, so the program asks its own running instance: GET <c>/health/live</c> on the metrics
/// listener (REGISTRY_METRICS_PORT, 9090), exit 0 on 200 and 1 otherwise, with one line saying which. Liveness, not
/// readiness: a database or cluster outage must not get healthy containers restarted (see <see cref="HealthEndpoints"/>).
/// </summary>
public static class HealthCommand
{
    public const string Name = "health";

    /// <summary>Docker's own HEALTHCHECK timeout is 30 s; a live process answers in milliseconds.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <summary>With the settings of the environment, as the running instance read them.</summary>
    public static Task<int> RunAsync() =>
        RunAsync(new ConfigurationBuilder().AddEnvironmentVariables().AddRegistryEnvironment().Build());

    public static async Task<int> RunAsync(IConfiguration configuration)
    {
        var port = configuration["Registry:MetricsPort"] ?? "9090";
        var listen = configuration["Registry:ListenAddress"] ?? "0.0.0.0";
        if (LiveUrl(listen, port) is not { } url)
        {
            Console.WriteLine($"unhealthy: REGISTRY_LISTEN_ADDRESS '{listen}' and REGISTRY_METRICS_PORT '{port}' name no address to ask");
            return 1;
        }

        // No proxy: an HTTP_PROXY set for upstream traffic must not carry a loopback probe away.
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = Timeout };
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
            var healthy = response.StatusCode == HttpStatusCode.OK;
            Console.WriteLine($"{(healthy ? "healthy" : "unhealthy")}: {url} answered {(int)response.StatusCode}");
            return healthy ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Console.WriteLine($"unhealthy: {url} did not answer: {(e is TaskCanceledException ? $"no response within {Timeout.TotalSeconds:0} s" : e.Message)}");
            return 1;
        }
    }

    /// <summary>
    /// The metrics listener's <c>/health/live</c>: on loopback when it listens on every address (the images'
    /// 0.0.0.0), else on the one address it binds.
    /// </summary>
    private static Uri? LiveUrl(string listen, string port)
    {
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535
            || !IPAddress.TryParse(listen, out var address))
        {
            return null;
        }

        if (address.Equals(IPAddress.Any))
        {
            address = IPAddress.Loopback;
        }
        else if (address.Equals(IPAddress.IPv6Any))
        {
            address = IPAddress.IPv6Loopback;
        }

        return new UriBuilder(Uri.UriSchemeHttp, address.ToString(), number, "/health/live").Uri;
    }
}
