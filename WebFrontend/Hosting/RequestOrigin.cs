namespace OrleansRegistry.WebFrontend.Hosting;

/// <summary>
/// The origin (<c>scheme://host</c>) a request came in on, for URLs in documents. A frontend sees few origins, so the
/// last one is kept and reused while requests keep arriving on it (Kestrel hands out the same Host string then).
/// </summary>
public static class RequestOrigin
{
    private static Known? _last;

    public static string Of(HttpRequest request)
    {
        var scheme = request.Scheme;
        var host = request.Host.Value ?? "";
        if (host.Length == 0)
        {
            // HTTP/1.0, or an empty Host header: the address the request came in on still makes links that work.
            var connection = request.HttpContext.Connection;
            return $"{scheme}://{new System.Net.IPEndPoint(connection.LocalIpAddress ?? System.Net.IPAddress.Loopback, connection.LocalPort)}";
        }

        var last = Volatile.Read(ref _last);
        if (last is not null && last.Host == host && last.Scheme == scheme)
        {
            return last.Origin;
        }

        last = new Known(scheme, host, $"{scheme}://{request.Host}");
        Volatile.Write(ref _last, last);
        return last.Origin;
    }

    private sealed record Known(string Scheme, string Host, string Origin);
}
