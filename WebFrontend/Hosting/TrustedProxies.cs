using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace OrleansRegistry.WebFrontend.Hosting;

/// <summary>
/// Behind a TLS-terminating ingress or load balancer, the frontend sees the proxy's plain-HTTP request; links in
/// documents (Composer dist URLs, Terraform download URLs) must carry the client's scheme and host instead.
/// REGISTRY_TRUSTED_PROXIES names the proxies (addresses or CIDR networks, comma-separated) whose
/// <c>X-Forwarded-For</c>, <c>-Proto</c> and <c>-Host</c> are believed; from any other peer they are ignored, so a
/// client cannot make the registry hand out links to a host of its choosing. Unset, no forwarded header is read.
/// </summary>
public static class TrustedProxies
{
    public const string Key = "Registry:TrustedProxies";

    /// <summary>The forwarded-headers options for the configured proxies, or null when none are configured.</summary>
    /// <exception cref="ConfigurationException">An entry is neither an address nor a network.</exception>
    public static ForwardedHeadersOptions? Read(IConfiguration configuration)
    {
        var entries = (configuration[Key] ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (entries.Length == 0)
        {
            return null;
        }

        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost,
            ForwardLimit = null, // walk back through every trusted hop, to the first address that is not one
        };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var entry in entries)
        {
            if (System.Net.IPNetwork.TryParse(entry, out var network))
            {
                options.KnownIPNetworks.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var address))
            {
                options.KnownProxies.Add(address);
            }
            else
            {
                throw new ConfigurationException($"REGISTRY_TRUSTED_PROXIES: '{entry}' is neither an IP address nor a CIDR network (10.0.0.0/8)");
            }
        }

        return options;
    }
}
