using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OrleansRegistry.IntegrationTests.Infrastructure;

/// <summary>
/// A test-owned upstream provider registry over HTTPS: serves gpg-signed releases through the real provider registry
/// protocol (discovery, versions, download documents, files, the public registry's listing API) and can misbehave on
/// purpose — replaced or missing files, slow downloads, 429 with Retry-After — and counts file requests.
/// </summary>
public sealed class ProviderUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, SortedDictionary<string, (ProviderRelease Release, string[] Platforms)>> _providers = new();
    private readonly GnuPg _signer;
    private int _throttle;

    private ProviderUpstream(WebApplication app, GnuPg signer, int port)
    {
        _app = app;
        _signer = signer;
        Url = $"https://127.0.0.1:{port}";
    }

    public string Url { get; }

    /// <summary>File name → bytes served instead of the release's own.</summary>
    public ConcurrentDictionary<string, byte[]> Replaced { get; } = new();

    /// <summary>File names answered with 404.</summary>
    public ConcurrentDictionary<string, bool> Missing { get; } = new();

    /// <summary>File name → how many times it was downloaded.</summary>
    public ConcurrentDictionary<string, int> FileRequests { get; } = new();

    public TimeSpan FileDelay { get; set; }

    public bool CanList { get; set; } = true;

    /// <param name="port">A port to listen on; a free one when not given.</param>
    public static async Task<ProviderUpstream> StartAsync(TestCertificates tls, GnuPg signer, int? port = null)
    {
        port ??= PostgresServer.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var certificate = X509Certificate2.CreateFromPemFile(tls.CertificatePath, tls.KeyPath);
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, port.Value, l => l.UseHttps(certificate)));
        var app = builder.Build();
        var upstream = new ProviderUpstream(app, signer, port.Value);
        upstream.Map(app);
        await app.StartAsync();
        return upstream;
    }

    /// <summary>Publishes a signed release of <c>ns/type</c> for the platforms.</summary>
    public ProviderRelease Add(string ns, string type, string version, params string[] platforms)
    {
        var release = ProviderRelease.Create(type, version, platforms, _signer);
        _providers.GetOrAdd($"{ns}/{type}", _ => new(StringComparer.Ordinal))[version] = (release, platforms);
        return release;
    }

    /// <summary>The next <paramref name="count"/> file downloads answer 429 with <c>Retry-After: 1</c>.</summary>
    public void Throttle(int count) => Interlocked.Exchange(ref _throttle, count);

    private void Map(WebApplication app)
    {
        app.MapGet("/.well-known/terraform.json", () => Results.Json(new Dictionary<string, string> { ["providers.v1"] = "/v1/providers/" }));
        app.MapGet("/v1/providers", (string? @namespace) => CanList
            ? Results.Json(new
            {
                meta = new { limit = 100, current_offset = 0 },
                providers = _providers.Keys.Where(k => k.StartsWith(@namespace + "/", StringComparison.Ordinal))
                    .Select(k => new { id = k, @namespace, name = k.Split('/')[1] }),
            })
            : Results.NotFound());
        app.MapGet("/v1/providers/{ns}/{type}/versions", (string ns, string type) =>
            _providers.TryGetValue($"{ns}/{type}", out var versions)
                ? Results.Json(new
                {
                    versions = versions.Select(v => new
                    {
                        version = v.Key,
                        protocols = new[] { "5.0" },
                        platforms = v.Value.Platforms.Select(p => new { os = p.Split('_')[0], arch = p.Split('_')[1] }),
                    }),
                })
                : Results.NotFound());
        app.MapGet("/v1/providers/{ns}/{type}/{version}/download/{os}/{arch}", (string ns, string type, string version, string os, string arch) =>
        {
            if (!_providers.TryGetValue($"{ns}/{type}", out var versions) || !versions.TryGetValue(version, out var entry) || !entry.Platforms.Contains($"{os}_{arch}"))
            {
                return Results.NotFound();
            }

            var zip = $"terraform-provider-{type}_{version}_{os}_{arch}.zip";
            var sums = $"terraform-provider-{type}_{version}_SHA256SUMS";
            return Results.Json(new
            {
                protocols = new[] { "5.0" },
                os,
                arch,
                filename = zip,
                download_url = $"/files/{zip}",
                shasums_url = $"/files/{sums}",
                shasums_signature_url = $"/files/{sums}.sig",
                shasum = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(entry.Release.Read(zip))),
                signing_keys = new { gpg_public_keys = new[] { new { key_id = "", ascii_armor = _signer.PublicKeyArmor } } },
            });
        });
        app.MapGet("/files/{name}", async (string name, HttpContext http) =>
        {
            var release = _providers.Values.SelectMany(v => v.Values).Select(v => v.Release).FirstOrDefault(r => r.Files.Contains(name));
            if (release is null || Missing.ContainsKey(name))
            {
                return Results.NotFound();
            }

            if (Interlocked.Decrement(ref _throttle) >= 0)
            {
                http.Response.Headers.RetryAfter = "1";
                return Results.StatusCode(StatusCodes.Status429TooManyRequests);
            }

            FileRequests.AddOrUpdate(name, 1, (_, n) => n + 1);
            await Task.Delay(FileDelay);
            return Results.Bytes(Replaced.TryGetValue(name, out var replaced) ? replaced : release.Read(name), "application/octet-stream");
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
