using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using OrleansRegistry.Archives;
using OrleansRegistry.Mirroring.Upstream;
using OrleansRegistry.Signing;
using OrleansRegistry.Storage;
using OrleansRegistry.Terraform;

namespace OrleansRegistry.Mirroring;

/// <summary>
/// Fetches one version of a mirrored provider: SHA256SUMS and its signature, verified with the upstream's keys, and
/// every zip, verified against SHA256SUMS and <c>shasum</c>, stored under content-derived keys. Stored files are found
/// again after a crash, so a resumed sync downloads only what is missing.
/// </summary>
public sealed class ProviderVersionFetcher(IArtifactStore store, MirrorOptions options, ArchiveLimits limits, TimeProvider clock, ILogger logger)
{
    private const int MaxSumsBytes = 1 << 20;
    private const int MaxSignatureBytes = 64 * 1024;

    // A version fetched by a sync and by pull-through requests at once is fetched once.
    private readonly ConcurrentDictionary<string, Lazy<Task<FetchedVersion>>> _inFlight = new();

    /// <summary>
    /// Fetches and verifies the platforms of a version; a version a sync and pull-through requests want at once is
    /// fetched once. <paramref name="providerKey"/> is the provider grain's key (<c>hostname/namespace/type</c>).
    /// </summary>
    public Task<FetchedVersion> FetchVersionAsync(
        string mirrorId, TerraformUpstream upstream, string providerKey, string ns, string type, string version, string[] platforms, SemaphoreSlim downloads,
        CancellationToken cancellationToken)
    {
        var flightKey = $"{mirrorId}|{providerKey}@{version}";
        var flight = _inFlight.GetOrAdd(flightKey, _ignored => new Lazy<Task<FetchedVersion>>(async () =>
        {
            try
            {
                return await FetchVersionOnceAsync(mirrorId, upstream, providerKey, ns, type, version, platforms, downloads, cancellationToken);
            }
            finally
            {
                _inFlight.TryRemove(flightKey, out _);
            }
        }));
        return flight.Value;
    }

    private async Task<FetchedVersion> FetchVersionOnceAsync(
        string mirrorId, TerraformUpstream upstream, string key, string ns, string type, string version, string[] platforms, SemaphoreSlim downloads,
        CancellationToken cancellationToken)
    {
        FetchedVersion Fail(string error) => new(null, [(platforms.Length, $"{key} {version}: {error}")]);

        UpstreamDownload first;
        byte[] sums, signature;
        try
        {
            first = await upstream.GetDownloadAsync(ns, type, version, Os(platforms[0]), Arch(platforms[0]), cancellationToken);
            sums = await upstream.Http.GetBytesAsync(first.ShasumsUrl, MaxSumsBytes, authenticated: false, cancellationToken);
            signature = await upstream.Http.GetBytesAsync(first.SignatureUrl, MaxSignatureBytes, authenticated: false, cancellationToken);
        }
        catch (UpstreamException e)
        {
            return Fail(e.Message);
        }

        var keys = first.SigningKeys.Select(TryParseKey).OfType<OpenPgpPublicKey>().ToList();
        if (keys.Count == 0)
        {
            return Fail("the upstream lists no usable signing key, so its SHA256SUMS cannot be verified");
        }

        string keyId;
        byte[] binarySignature;
        Dictionary<string, string> sumsByFile;
        try
        {
            (keyId, binarySignature) = OpenPgp.Verify(sums, signature, keys, "the upstream's signing keys");
            sumsByFile = Sha256Sums.Parse(sums);
        }
        catch (InvalidOpenPgpDataException e)
        {
            return Fail($"signature check of SHA256SUMS failed: {e.Message}");
        }
        catch (InvalidArchiveException e)
        {
            return Fail(e.Message);
        }

        // Content-derived folder: a re-signed upstream release never overwrites files a served version points at.
        var folder = $"mirrors/providers/{key}/{version}/{Convert.ToHexStringLower(SHA256.HashData(sums))[..16]}";
        var sumsKey = $"{folder}/{ProviderArchive.SumsName(type, version)}";
        await EnsureStoredAsync(sumsKey, sums, cancellationToken);
        await EnsureStoredAsync(sumsKey + ".sig", binarySignature, cancellationToken);

        var results = await Task.WhenAll(platforms.Select(platform =>
            FetchPlatformAsync(upstream, ns, type, version, platform, platform == platforms[0] ? first : null, sumsByFile, folder, downloads, cancellationToken)));
        var failures = results.Where(r => r.Error is not null).Select(r => (1, $"{key} {version} {r.Platform}: {r.Error}")).ToList();
        var verified = results.Where(r => r.Verified is not null).Select(r => r.Verified!).ToArray();
        var import = verified.Length == 0
            ? null
            : new ProviderImport(version, first.Protocols.Length > 0 ? first.Protocols : ["5.0"], verified, sumsKey, sumsKey + ".sig", keyId,
                keys.First(k => k.KeyId == keyId).AsciiArmor, mirrorId);
        return new FetchedVersion(import, failures);
    }

    private async Task<FetchedPlatform> FetchPlatformAsync(
        TerraformUpstream upstream, string ns, string type, string version, string platform, UpstreamDownload? known,
        Dictionary<string, string> sums, string folder, SemaphoreSlim downloads, CancellationToken cancellationToken)
    {
        FetchedPlatform Fail(string error) => new(platform, null, error);
        try
        {
            var download = known ?? await upstream.GetDownloadAsync(ns, type, version, Os(platform), Arch(platform), cancellationToken);
            if (download.FileName.Contains('/', StringComparison.Ordinal) || !download.FileName.EndsWith(".zip", StringComparison.Ordinal))
            {
                return Fail($"the upstream names the archive '{download.FileName}', not a .zip file name");
            }

            if (!sums.TryGetValue(download.FileName, out var listed))
            {
                return Fail($"{download.FileName} is not listed in the signed SHA256SUMS");
            }

            if (listed != download.Shasum)
            {
                return Fail($"the upstream's shasum {download.Shasum} differs from the signed SHA256SUMS line {listed}");
            }

            var zipKey = $"{folder}/{download.FileName}";
            var stored = await ReuseStoredAsync(zipKey, listed, cancellationToken) ?? await DownloadAsync(upstream, download.DownloadUrl, zipKey, downloads, cancellationToken);
            if (stored.Sha256 != listed)
            {
                await store.DeleteAsync(zipKey, CancellationToken.None);
                return Fail($"checksum mismatch: SHA256SUMS lists {listed}, the downloaded zip is {stored.Sha256}");
            }

            string h1;
            await using (var zip = await store.OpenSeekableAsync(zipKey, cancellationToken) ?? throw new UpstreamException($"{zipKey} vanished from the artifact store"))
            {
                try
                {
                    h1 = await ProviderArchive.HashAsync(zip, limits, cancellationToken);
                }
                catch (InvalidArchiveException e)
                {
                    await store.DeleteAsync(zipKey, CancellationToken.None);
                    return Fail(e.Message);
                }
            }

            var (os, arch) = (Os(platform), Arch(platform));
            return new(platform, new ProviderPlatform(os, arch, download.FileName, zipKey, listed, h1, stored.Size), null);
        }
        catch (UpstreamException e)
        {
            return Fail(e.Message);
        }
        catch (ArtifactTooLargeException e)
        {
            return Fail(e.Message);
        }
    }

    /// <summary>A zip a previous (interrupted) sync stored completely is reused when its bytes still match.</summary>
    private async Task<StoredArtifact?> ReuseStoredAsync(string key, string sha256, CancellationToken cancellationToken)
    {
        await using var existing = await store.OpenReadAsync(key, cancellationToken);
        if (existing is null)
        {
            return null;
        }

        var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(existing, cancellationToken));
        return actual == sha256 ? new StoredArtifact(key, existing.Length, actual, "") : null;
    }

    /// <summary>Streams the zip into the store; a connection lost mid-body is retried like a failed request.</summary>
    private async Task<StoredArtifact> DownloadAsync(TerraformUpstream upstream, Uri url, string key, SemaphoreSlim downloads, CancellationToken cancellationToken)
    {
        await downloads.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    using var response = await upstream.Http.GetAsync(url, authenticated: false, cancellationToken);
                    if (response.Content.Headers.ContentLength > options.MaxArchiveBytes)
                    {
                        throw new ArtifactTooLargeException(options.MaxArchiveBytes);
                    }

                    await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                    return await store.WriteAsync(key, body, options.MaxArchiveBytes, cancellationToken);
                }
                catch (Exception e) when (e is IOException or HttpRequestException && attempt < options.MaxRetries && !cancellationToken.IsCancellationRequested)
                {
                    logger.LogInformation("Download of {Url} broke off ({Error}); retrying", url, e.Message);
                    await Task.Delay(options.RetryDelay * Math.Pow(2, attempt), clock, cancellationToken);
                }
                catch (Exception e) when (e is IOException or HttpRequestException)
                {
                    throw new UpstreamException($"download of {url} failed: {e.Message}", transient: true, e);
                }
            }
        }
        finally
        {
            downloads.Release();
        }
    }

    private async Task EnsureStoredAsync(string key, byte[] bytes, CancellationToken cancellationToken)
    {
        if (await store.GetInfoAsync(key, cancellationToken) is { } info && info.Size == bytes.Length)
        {
            return;
        }

        using var content = new MemoryStream(bytes, writable: false);
        await store.WriteAsync(key, content, bytes.Length, cancellationToken);
    }

    private static OpenPgpPublicKey? TryParseKey(string armor)
    {
        try
        {
            return OpenPgp.ParsePublicKey(armor);
        }
        catch (InvalidOpenPgpDataException)
        {
            return null;
        }
    }

    private static string Os(string platform) => platform[..platform.IndexOf('_', StringComparison.Ordinal)];

    private static string Arch(string platform) => platform[(platform.IndexOf('_', StringComparison.Ordinal) + 1)..];
}

/// <summary>A fetched version: what to import (null when no platform could be verified) and what failed, per platform count.</summary>
public sealed record FetchedVersion(ProviderImport? Import, List<(int Platforms, string Error)> Failures);

/// <summary>One platform of a version: verified, or why not.</summary>
public sealed record FetchedPlatform(string Platform, ProviderPlatform? Verified, string? Error);
