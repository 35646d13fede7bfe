using System.Text.Json;

namespace OrleansRegistry.Mirroring.Upstream;

/// <summary>A provider version as the upstream's <c>versions</c> document lists it.</summary>
public sealed record UpstreamVersion(string Version, string[] Protocols, string[] Platforms);

/// <summary>The upstream's download document of one platform, with its URLs resolved.</summary>
public sealed record UpstreamDownload(
    string[] Protocols, string FileName, Uri DownloadUrl, Uri ShasumsUrl, Uri SignatureUrl, string Shasum, string[] SigningKeys);

/// <summary>The Terraform provider registry protocol, as a client of an upstream registry (service discovery honoured).</summary>
public sealed class TerraformUpstream(UpstreamHttp http)
{
    private const int MaxDocumentBytes = 8 << 20;
    private Uri? _providers;

    public UpstreamHttp Http => http;

    /// <summary>The <c>providers.v1</c> base URL from <c>/.well-known/terraform.json</c>.</summary>
    public async Task<Uri> ProvidersBaseAsync(CancellationToken cancellationToken)
    {
        if (_providers is not null)
        {
            return _providers;
        }

        var discovery = new Uri(http.Upstream, "/.well-known/terraform.json");
        using var document = await GetJsonAsync(discovery, cancellationToken);
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("providers.v1", out var providers) || providers.GetString() is not { } relative)
        {
            throw new UpstreamException($"{discovery} does not offer providers.v1: the upstream is not a Terraform provider registry");
        }

        var resolved = new Uri(discovery, relative);
        _providers = resolved.AbsoluteUri.EndsWith('/') ? resolved : new Uri(resolved.AbsoluteUri + "/");
        return _providers;
    }

    /// <summary>
    /// The provider types of a namespace, through the public registry's listing API
    /// (<c>GET /v1/providers?namespace=</c>, paged). The protocol itself cannot enumerate, so an upstream without that
    /// API is reported, not silently treated as empty.
    /// </summary>
    public async Task<string[]> ListTypesAsync(string ns, CancellationToken cancellationToken)
    {
        var types = new SortedSet<string>(StringComparer.Ordinal);
        var listing = new Uri((await ProvidersBaseAsync(cancellationToken)).AbsoluteUri.TrimEnd('/'));
        for (int offset = 0, page = 0; page < 100; page++)
        {
            var url = new Uri($"{listing}?namespace={Uri.EscapeDataString(ns)}&limit=100&offset={offset}");
            JsonDocument document;
            try
            {
                document = await GetJsonAsync(url, cancellationToken);
            }
            catch (UpstreamException e) when (!e.Transient)
            {
                throw new UpstreamException($"the upstream cannot enumerate the providers of namespace '{ns}' ({e.Message}); list them by name instead of '{ns}/*'");
            }

            using (document)
            {
                if (!document.RootElement.TryGetProperty("providers", out var providers) || providers.ValueKind != JsonValueKind.Array)
                {
                    throw new UpstreamException($"the upstream cannot enumerate the providers of namespace '{ns}': {url} has no 'providers' list; list them by name instead of '{ns}/*'");
                }

                foreach (var provider in providers.EnumerateArray())
                {
                    if (Text(provider, "namespace") == ns && Text(provider, "name") is { } name && Names.IsValidSegment(name))
                    {
                        types.Add(name);
                    }
                }

                var next = document.RootElement.TryGetProperty("meta", out var meta) && meta.TryGetProperty("next_offset", out var n) && n.ValueKind == JsonValueKind.Number
                    ? n.GetInt32()
                    : -1;
                if (next <= offset)
                {
                    return [.. types];
                }

                offset = next;
            }
        }

        return [.. types];
    }

    public async Task<UpstreamVersion[]> GetVersionsAsync(string ns, string type, CancellationToken cancellationToken)
    {
        var url = new Uri(await ProvidersBaseAsync(cancellationToken), $"{ns}/{type}/versions");
        using var document = await GetJsonAsync(url, cancellationToken);
        if (!document.RootElement.TryGetProperty("versions", out var versions) || versions.ValueKind != JsonValueKind.Array)
        {
            throw new UpstreamException($"{url} has no 'versions' list");
        }

        return
        [
            .. versions.EnumerateArray()
                .Where(v => Text(v, "version") is not null)
                .Select(v => new UpstreamVersion(
                    Text(v, "version")!,
                    Strings(v, "protocols"),
                    v.TryGetProperty("platforms", out var platforms) && platforms.ValueKind == JsonValueKind.Array
                        ? [.. platforms.EnumerateArray().Select(p => $"{Text(p, "os")}_{Text(p, "arch")}")]
                        : [])),
        ];
    }

    public async Task<UpstreamDownload> GetDownloadAsync(string ns, string type, string version, string os, string arch, CancellationToken cancellationToken)
    {
        var url = new Uri(await ProvidersBaseAsync(cancellationToken), $"{ns}/{type}/{version}/download/{os}/{arch}");
        using var document = await GetJsonAsync(url, cancellationToken);
        var root = document.RootElement;
        string Required(string name) => Text(root, name) ?? throw new UpstreamException($"{url} lacks '{name}'");
        var keys = root.TryGetProperty("signing_keys", out var signing) && signing.TryGetProperty("gpg_public_keys", out var gpg) && gpg.ValueKind == JsonValueKind.Array
            ? gpg.EnumerateArray().Select(k => Text(k, "ascii_armor")).OfType<string>().ToArray()
            : [];
        return new UpstreamDownload(
            Strings(root, "protocols"),
            Required("filename"),
            new Uri(url, Required("download_url")),
            new Uri(url, Required("shasums_url")),
            new Uri(url, Required("shasums_signature_url")),
            Required("shasum").ToLowerInvariant(),
            keys);
    }

    private async Task<JsonDocument> GetJsonAsync(Uri url, CancellationToken cancellationToken)
    {
        var bytes = await http.GetBytesAsync(url, MaxDocumentBytes, authenticated: true, cancellationToken);
        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new UpstreamException($"{url} did not answer JSON: {e.Message}");
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string[] Strings(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)]
            : [];
}
