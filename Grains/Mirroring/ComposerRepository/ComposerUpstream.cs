using System.Net;
using System.Text.Json;
using OrleansRegistry.Mirroring.Upstream;

namespace OrleansRegistry.Mirroring.ComposerRepository;

/// <summary>A p2 file as the upstream answered: new content, not modified, or no such package.</summary>
public sealed record UpstreamMetadata(HttpStatusCode Status, byte[]? Body, DateTimeOffset? LastModified);

/// <summary>The Composer 2 repository protocol as a client: packages.json discovery, p2 files, the package list.</summary>
public sealed class ComposerUpstream(UpstreamHttp http)
{
    private const int MaxDocumentBytes = 64 << 20;
    private JsonDocument? _packagesJson;

    public UpstreamHttp Http => http;

    /// <summary>
    /// A p2 file, conditional on <paramref name="ifModifiedSince"/>; 404 means the upstream has no such package.
    /// Without <paramref name="retry"/> one failure is final (the caller serves its kept copy at once).
    /// </summary>
    public async Task<UpstreamMetadata> GetMetadataAsync(string package, bool dev, DateTimeOffset? ifModifiedSince, bool retry, CancellationToken cancellationToken)
    {
        var template = await RootStringAsync("metadata-url", retry, cancellationToken)
            ?? throw new UpstreamException($"{http.Upstream}/packages.json has no metadata-url: the upstream is not a Composer 2 repository");
        var url = new Uri(PackagesJsonUrl, template.Replace("%package%", dev ? $"{package}~dev" : package, StringComparison.Ordinal));
        try
        {
            using var response = await http.GetAsync(url, authenticated: true, cancellationToken, ifModifiedSince, retry);
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                return new(HttpStatusCode.NotModified, null, ifModifiedSince);
            }

            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return body.Length > MaxDocumentBytes
                ? throw new UpstreamException($"{url} is larger than {MaxDocumentBytes} bytes")
                : new(HttpStatusCode.OK, body, response.Content.Headers.LastModified);
        }
        catch (UpstreamException e) when (e.Status == 404)
        {
            return new(HttpStatusCode.NotFound, null, null);
        }
    }

    /// <summary>The packages of a vendor pattern (<c>vendor/*</c>), through the repository's <c>list</c> API.</summary>
    public async Task<string[]> ListAsync(string pattern, CancellationToken cancellationToken)
    {
        var list = await RootStringAsync("list", retry: true, cancellationToken)
            ?? throw new UpstreamException($"the upstream cannot enumerate '{pattern}' (its packages.json has no list API); name the packages instead");
        var url = new Uri(new Uri(PackagesJsonUrl, list), $"?filter={Uri.EscapeDataString(pattern)}");
        using var document = JsonDocument.Parse(await http.GetBytesAsync(url, MaxDocumentBytes, authenticated: true, cancellationToken));
        return document.RootElement.TryGetProperty("packageNames", out var names) && names.ValueKind == JsonValueKind.Array
            ? [.. names.EnumerateArray().Select(n => n.GetString()?.ToLowerInvariant()).OfType<string>().Where(n => MirrorKinds.PackageMatches(pattern, n))]
            : throw new UpstreamException($"{url} has no packageNames list");
    }

    private Uri PackagesJsonUrl => new(http.Upstream.AbsoluteUri.TrimEnd('/') + "/packages.json");

    private async Task<string?> RootStringAsync(string name, bool retry, CancellationToken cancellationToken)
    {
        if (_packagesJson is null)
        {
            var bytes = await http.GetBytesAsync(PackagesJsonUrl, MaxDocumentBytes, authenticated: true, cancellationToken, retry);
            try
            {
                _packagesJson = JsonDocument.Parse(bytes);
            }
            catch (JsonException e)
            {
                throw new UpstreamException($"{PackagesJsonUrl} is not JSON: {e.Message}");
            }
        }

        return _packagesJson.RootElement.ValueKind == JsonValueKind.Object && _packagesJson.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
    }
}
