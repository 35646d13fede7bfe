using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRegistry.Archives;
using OrleansRegistry.Mirroring.Upstream;
using OrleansRegistry.Signing;
using OrleansRegistry.Storage;
using OrleansRegistry.Terraform;

namespace OrleansRegistry.Mirroring;

/// <summary>
/// Copies providers from an upstream registry: for each selected version, fetches SHA256SUMS and its signature,
/// verifies the signature with the upstream's keys and every zip against SHA256SUMS and <c>shasum</c>, stores the
/// files locally under content-derived keys, and imports the verified version into the provider grain. Stored files
/// are found again after a crash, so a resumed sync downloads only what is missing. Runs off the grain scheduler.
/// </summary>
public sealed class ProviderMirrorSync(
    IHttpClientFactory clients,
    IArtifactStore store,
    IGrainFactory grains,
    IOptions<MirrorOptions> options,
    IOptions<ArchiveLimits> limits,
    TimeProvider clock,
    ILogger<ProviderMirrorSync> logger) : IMirrorEngine
{
    public const string HttpClientName = "mirror-upstream";
    private const int MaxSumsBytes = 1 << 20;
    private const int MaxSignatureBytes = 64 * 1024;

    // A version fetched by a sync and by pull-through requests at once is fetched once.
    private readonly ConcurrentDictionary<string, Lazy<Task<VersionOutcome>>> _inFlight = new();

    private MirrorOptions Options => options.Value;

    public string Kind => MirrorSettingsRules.TerraformProviders;

    public TerraformUpstream Connect(MirrorPlan plan) =>
        new(new UpstreamHttp(clients.CreateClient(HttpClientName), new Uri(plan.Settings.UpstreamUrl), plan.Credentials, plan.Settings.AllowInsecure, Options, clock));

    public async Task RunAsync(MirrorPlan plan, SyncProgress progress, CancellationToken cancellationToken)
    {
        var upstream = Connect(plan);
        try
        {
            await upstream.ProvidersBaseAsync(cancellationToken);
        }
        catch (UpstreamException e)
        {
            progress.Error($"the upstream {plan.Settings.UpstreamUrl} is not usable: {e.Message}");
            return;
        }

        var downloads = new SemaphoreSlim(Math.Max(1, Options.MaxConcurrentDownloads));
        foreach (var (ns, type) in await ExpandAsync(plan, upstream, progress, cancellationToken))
        {
            await SyncProviderAsync(plan, upstream, ns, type, downloads, progress, cancellationToken);
        }
    }

    /// <summary>The upstream versions a pull-through mirror offers for a provider (stored or not).</summary>
    public async Task<string[]> AllowedVersionsAsync(MirrorPlan plan, string ns, string type, CancellationToken cancellationToken) =>
        [.. plan.Select(await Connect(plan).GetVersionsAsync(ns, type, cancellationToken)).Select(v => v.Version)];

    /// <summary>Fetches, verifies and imports one version on demand.</summary>
    public async Task<Outcome> PullAsync(MirrorPlan plan, string ns, string type, string version, CancellationToken cancellationToken)
    {
        var upstream = Connect(plan);
        (string Version, string[] Protocols, string[] Platforms) wanted;
        try
        {
            wanted = plan.Select(await upstream.GetVersionsAsync(ns, type, cancellationToken)).FirstOrDefault(v => v.Version == version);
        }
        catch (UpstreamException e)
        {
            MirrorMetrics.SyncErrors.WithLabels(plan.MirrorId).Inc();
            return new(OutcomeCode.Failed, $"{plan.ProviderKey(ns, type)}: {e.Message}");
        }

        if (wanted.Version is null)
        {
            return Outcome.NotFound($"the upstream has no version {version} of {ns}/{type} that this mirror's filters allow");
        }

        var outcome = await FetchVersionAsync(plan, upstream, ns, type, wanted.Version, wanted.Platforms, new SemaphoreSlim(Math.Max(1, Options.MaxConcurrentDownloads)), cancellationToken);
        foreach (var (_, error) in outcome.Failures)
        {
            MirrorMetrics.SyncErrors.WithLabels(plan.MirrorId).Inc();
            logger.LogWarning("Mirror {Mirror} pull-through: {Error}", plan.MirrorId, error);
        }

        // A client waits on this answer: serve the version whole or explain, rather than hand out some platforms.
        if (outcome.Import is null || outcome.Failures.Count > 0)
        {
            return new(OutcomeCode.Failed, string.Join("; ", outcome.Failures.Select(f => f.Error)));
        }

        var added = await grains.GetGrain<IProviderGrain>(plan.ProviderKey(ns, type)).Import([outcome.Import]);
        MirrorMetrics.PlatformsAdded.WithLabels(plan.MirrorId).Inc(added);
        return Outcome.Done;
    }

    private static async Task<List<(string Namespace, string Type)>> ExpandAsync(MirrorPlan plan, TerraformUpstream upstream, SyncProgress progress, CancellationToken cancellationToken)
    {
        var providers = new List<(string, string)>();
        foreach (var pattern in plan.Settings.Providers.Select(ProviderPattern.Parse).OfType<ProviderPattern>())
        {
            if (!pattern.IsWildcard)
            {
                providers.Add((pattern.Namespace, pattern.Type!));
                continue;
            }

            try
            {
                providers.AddRange((await upstream.ListTypesAsync(pattern.Namespace, cancellationToken)).Select(t => (pattern.Namespace, t)));
            }
            catch (UpstreamException e)
            {
                progress.Error(e.Message);
            }
        }

        return [.. providers.Distinct()];
    }

    private async Task SyncProviderAsync(
        MirrorPlan plan, TerraformUpstream upstream, string ns, string type, SemaphoreSlim downloads, SyncProgress progress, CancellationToken cancellationToken)
    {
        var key = plan.ProviderKey(ns, type);
        List<(string Version, string[] Protocols, string[] Platforms)> wanted;
        try
        {
            wanted = plan.Select(await upstream.GetVersionsAsync(ns, type, cancellationToken));
        }
        catch (UpstreamException e)
        {
            progress.Error($"{ns}/{type}: {e.Message}");
            return;
        }

        var provider = grains.GetGrain<IProviderGrain>(key);
        var stored = (await provider.GetVersions()).ToDictionary(v => v.Version, v => v.Platforms.Select(p => $"{p.Os}_{p.Arch}").ToHashSet());
        var batch = new List<ProviderImport>();
        using var flushing = new SemaphoreSlim(1);

        async Task FlushAsync(bool whenFull)
        {
            await flushing.WaitAsync(cancellationToken);
            try
            {
                if (batch.Count == 0 || (whenFull && batch.Count < Options.ImportBatchSize))
                {
                    return;
                }

                var imports = batch.ToArray();
                batch.Clear();
                var added = await provider.Import(imports);
                progress.Added(imports.Count(i => !stored.ContainsKey(i.Version)), added);
                MirrorMetrics.PlatformsAdded.WithLabels(plan.MirrorId).Inc(added);
            }
            finally
            {
                flushing.Release();
            }
        }

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Options.MaxConcurrentDownloads), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(wanted, parallel, async (version, token) =>
        {
            var present = stored.GetValueOrDefault(version.Version) ?? [];
            var missing = version.Platforms.Where(p => !present.Contains(p)).ToArray();
            progress.Skipped(version.Platforms.Length - missing.Length);
            if (missing.Length == 0)
            {
                return;
            }

            var outcome = await FetchVersionAsync(plan, upstream, ns, type, version.Version, missing, downloads, token);
            foreach (var (platforms, error) in outcome.Failures)
            {
                progress.Failed(platforms, error);
            }

            if (outcome.Import is not null)
            {
                await flushing.WaitAsync(token);
                batch.Add(outcome.Import);
                flushing.Release();
                await FlushAsync(whenFull: true);
            }
        });
        await FlushAsync(whenFull: false);
    }

    private Task<VersionOutcome> FetchVersionAsync(
        MirrorPlan plan, TerraformUpstream upstream, string ns, string type, string version, string[] platforms, SemaphoreSlim downloads, CancellationToken cancellationToken)
    {
        var flightKey = $"{plan.MirrorId}|{plan.ProviderKey(ns, type)}@{version}";
        var flight = _inFlight.GetOrAdd(flightKey, _ignored => new Lazy<Task<VersionOutcome>>(async () =>
        {
            try
            {
                return await FetchVersionOnceAsync(plan, upstream, ns, type, version, platforms, downloads, cancellationToken);
            }
            finally
            {
                _inFlight.TryRemove(flightKey, out _);
            }
        }));
        return flight.Value;
    }

    private async Task<VersionOutcome> FetchVersionOnceAsync(
        MirrorPlan plan, TerraformUpstream upstream, string ns, string type, string version, string[] platforms, SemaphoreSlim downloads, CancellationToken cancellationToken)
    {
        var key = plan.ProviderKey(ns, type);
        VersionOutcome Fail(string error) => new(null, [(platforms.Length, $"{key} {version}: {error}")]);

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
                keys.First(k => k.KeyId == keyId).AsciiArmor, plan.MirrorId);
        return new VersionOutcome(import, failures);
    }

    private async Task<PlatformOutcome> FetchPlatformAsync(
        TerraformUpstream upstream, string ns, string type, string version, string platform, UpstreamDownload? known,
        Dictionary<string, string> sums, string folder, SemaphoreSlim downloads, CancellationToken cancellationToken)
    {
        PlatformOutcome Fail(string error) => new(platform, null, error);
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
            await using (var zip = await store.OpenReadAsync(zipKey, cancellationToken) ?? throw new UpstreamException($"{zipKey} vanished from the artifact store"))
            {
                try
                {
                    h1 = await ProviderArchive.HashAsync(zip, limits.Value, cancellationToken);
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
                    if (response.Content.Headers.ContentLength > Options.MaxArchiveBytes)
                    {
                        throw new ArtifactTooLargeException(Options.MaxArchiveBytes);
                    }

                    await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                    return await store.WriteAsync(key, body, Options.MaxArchiveBytes, cancellationToken);
                }
                catch (Exception e) when (e is IOException or HttpRequestException && attempt < Options.MaxRetries && !cancellationToken.IsCancellationRequested)
                {
                    logger.LogInformation("Download of {Url} broke off ({Error}); retrying", url, e.Message);
                    await Task.Delay(Options.RetryDelay * Math.Pow(2, attempt), clock, cancellationToken);
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

    private sealed record VersionOutcome(ProviderImport? Import, List<(int Platforms, string Error)> Failures);

    private sealed record PlatformOutcome(string Platform, ProviderPlatform? Verified, string? Error);
}
