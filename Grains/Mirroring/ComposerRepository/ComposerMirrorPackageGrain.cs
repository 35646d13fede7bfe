using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRegistry.Caching;
using OrleansRegistry.Changes;
using OrleansRegistry.Composer;
using OrleansRegistry.Mirroring.Upstream;
using OrleansRegistry.Signing;
using OrleansRegistry.Storage;

namespace OrleansRegistry.Mirroring.ComposerRepository;

/// <summary>
/// One upstream package as a composer-repository mirror serves it (key <c>{mirror id}/{vendor}/{name}</c>). The p2
/// files are kept in state and revalidated with If-Modified-Since after <see cref="MirrorOptions.ComposerMetadataTtl"/>;
/// when the upstream is away the kept ones are served. Dists are fetched on first download (once, however many ask),
/// checked against the upstream shasum, stored, and served from the store ever after.
/// </summary>
[GrainType("composer-mirror-package")]
public sealed class ComposerMirrorPackageGrain(
    [PersistentState("composer-mirror-package", RegistryStorage.Name)] IPersistentState<ComposerMirrorPackageState> state,
    IHttpClientFactory clients,
    IArtifactStore store,
    SecretProtector secrets,
    IOptions<MirrorOptions> options,
    TimeProvider clock,
    DocumentHolders holders,
    ILogger<ComposerMirrorPackageGrain> logger) : Grain, IComposerMirrorPackageGrain, IDisposable
{
    // Rendered p2 files per (dev, base URL): normally one or two entries (the HTTP and HTTPS addresses).
    private readonly RenderedDocuments<(bool Dev, string BaseUrl)> _documents = new(holders, capacity: 8);
    // A failed fetch is remembered for a while: every client of a broken dist, and the frontend asking again after a
    // failure, gets the same answer without another download from the upstream.
    private static readonly TimeSpan FailureMemory = TimeSpan.FromSeconds(30);
    private readonly Dictionary<string, Task<Outcome<string>>> _fetches = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (Outcome<string> Failure, DateTimeOffset Until)> _failures = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _writes = new(1);

    private string MirrorId => this.GetPrimaryKeyString().Split('/')[0];

    private string Package => this.GetPrimaryKeyString()[(MirrorId.Length + 1)..];

    public async Task<ProtocolDocument?> GetMetadata(bool dev, string baseUrl, IDocumentHolder? holder)
    {
        var file = await RefreshAsync(dev);
        return file?.Body is null ? null : _documents.GetOrRender((dev, baseUrl), holder, (Grain: this, File: file, BaseUrl: baseUrl),
            static arg => Render(arg.Grain.Package, arg.File, arg.BaseUrl));
    }

    /// <summary>Our p2 file from the upstream's: dist URLs of this registry, and only the versions whose dists it can serve.</summary>
    private static ProtocolDocument Render(string package, MirroredMetadata file, string baseUrl)
    {
        var changedAt = file.ChangedAt != default ? file.ChangedAt : file.LastModified ?? file.FetchedAt;
        // A version with a dist this registry cannot serve (a branch name Git would refuse, say) is left out.
        var served = MirroredVersions.Of(package, file.Body!).Where(v => v["dist"] is null || MirroredVersions.DistOf(v) is not null);
        return ComposerMetadata.Build(package, served.Select(v => MirroredVersions.Rewrite(package, v, baseUrl)), changedAt);
    }

    public async Task<Outcome<string>> GetDist(string versionNormalized, string reference, IDocumentHolder? holder)
    {
        var key = $"{versionNormalized}@{reference}";
        if (!state.State.Dists.ContainsKey(key))
        {
            await RefreshAsync(dev: ComposerStability.IsDev(versionNormalized));
        }

        if (!state.State.Dists.TryGetValue(key, out var dist))
        {
            return Outcome.NotFound($"{Package} has no dist {versionNormalized} with reference {reference}");
        }

        if (dist.StorageKey is not null)
        {
            _documents.Remember(holder);
            return Outcome.Of(OutcomeCode.Done, dist.StorageKey);
        }

        if (_failures.TryGetValue(key, out var failed) && clock.GetUtcNow() < failed.Until)
        {
            return failed.Failure;
        }

        if (!_fetches.TryGetValue(key, out var fetch) || fetch.IsCompleted)
        {
            fetch = FetchAndRememberFailureAsync(key, versionNormalized, reference, dist);
            _fetches[key] = fetch;
        }

        var finished = await Task.WhenAny(fetch, Task.Delay(options.Value.PullThroughWait, clock));
        return finished == fetch ? await fetch : new Outcome(OutcomeCode.Pending, $"fetching {Package} {versionNormalized} from the upstream");
    }

    public void Dispose() => _writes.Dispose();

    public Task<DistRef[]> ListDists() =>
        Task.FromResult(state.State.Dists.Select(d => new DistRef(d.Key[..d.Key.LastIndexOf('@')], d.Key[(d.Key.LastIndexOf('@') + 1)..], d.Value.StorageKey is not null)).ToArray());

    /// <summary>The p2 file, revalidated when older than the TTL; the kept copy when the upstream cannot answer.</summary>
    private async Task<MirroredMetadata?> RefreshAsync(bool dev)
    {
        var name = dev ? "dev" : "tags";
        var kept = state.State.Files.GetValueOrDefault(name);
        if (kept is not null && clock.GetUtcNow() - kept.FetchedAt < options.Value.ComposerMetadataTtl)
        {
            return kept;
        }

        var upstream = await ConnectAsync();
        if (upstream is null)
        {
            return null;
        }

        UpstreamMetadata answer;
        try
        {
            answer = await Task.Run(() => upstream.GetMetadataAsync(Package, dev, kept?.Body is null ? null : kept.LastModified, retry: kept is null, CancellationToken.None));
        }
        catch (UpstreamException e)
        {
            logger.LogWarning("Mirror {Mirror}: {Package} metadata not refreshed ({Error}); serving the kept copy", MirrorId, Package, e.Message);
            MirrorMetrics.SyncErrors.WithLabels(MirrorId).Inc();
            if (kept is not null)
            {
                // Serve the kept copy for another TTL before asking the upstream again.
                kept.FetchedAt = clock.GetUtcNow();
            }

            return kept;
        }

        var file = kept ?? new MirroredMetadata();
        file.FetchedAt = clock.GetUtcNow();
        if (answer.Status != HttpStatusCode.NotModified)
        {
            file.Body = answer.Body is null ? null : Encoding.UTF8.GetString(answer.Body);
            file.LastModified = answer.LastModified;
            file.ChangedAt = ChangeTimes.Next(file.ChangedAt, answer.LastModified is { } changed && changed > file.FetchedAt ? changed : file.FetchedAt);
            foreach (var version in file.Body is null ? [] : MirroredVersions.Of(Package, file.Body))
            {
                if (MirroredVersions.DistOf(version) is var (normalized, reference, url, shasum))
                {
                    var dist = state.State.Dists.GetValueOrDefault($"{normalized}@{reference}") ?? new MirroredDist();
                    (dist.Url, dist.Shasum) = (url, shasum);
                    state.State.Dists[$"{normalized}@{reference}"] = dist;
                }
            }

            // The frontends drop their copies; this call goes on without waiting for them.
            _documents.DropAsync(this.GetGrainId()).Ignore();
        }

        state.State.Files[name] = file;
        if (file.Body is null && kept is null)
        {
            // Not a package of the upstream: remembered for this activation only, so names nobody has add no rows.
            return file;
        }

        try
        {
            await WriteAsync();
        }
        catch (Exception e)
        {
            // A copy of the upstream, not an acknowledged change: served as fetched, stored with the next write.
            logger.LogWarning(e, "Mirror {Mirror}: {Package} metadata could not be stored; serving it as fetched", MirrorId, Package);
        }

        return file;
    }

    private async Task<Outcome<string>> FetchAndRememberFailureAsync(string key, string versionNormalized, string reference, MirroredDist dist)
    {
        var fetched = await FetchAsync(versionNormalized, reference, dist);
        if (fetched.Code == OutcomeCode.Failed)
        {
            _failures[key] = (fetched, clock.GetUtcNow() + FailureMemory);
        }
        else
        {
            _failures.Remove(key);
        }

        return fetched;
    }

    private async Task<Outcome<string>> FetchAsync(string versionNormalized, string reference, MirroredDist dist)
    {
        try
        {
            var upstream = await ConnectAsync();
            if (upstream is null)
            {
                return Outcome.NotFound($"the mirror no longer serves {Package}");
            }

            var key = $"mirrors/composer/{MirrorId}/{Package}/{versionNormalized}/{reference}.zip";
            var stored = await Task.Run(async () =>
            {
                using var response = await upstream.Http.GetAsync(new Uri(dist.Url), authenticated: true, CancellationToken.None);
                await using var body = await response.Content.ReadAsStreamAsync();
                return await store.WriteAsync(key, body, options.Value.MaxArchiveBytes, CancellationToken.None);
            });
            if (!string.IsNullOrEmpty(dist.Shasum) && !string.Equals(dist.Shasum, stored.Sha1, StringComparison.OrdinalIgnoreCase))
            {
                await store.DeleteAsync(key, CancellationToken.None);
                MirrorMetrics.SyncErrors.WithLabels(MirrorId).Inc();
                return new Outcome(OutcomeCode.Failed, $"{Package} {versionNormalized}: the dist's sha1 is {stored.Sha1}, the upstream lists {dist.Shasum}");
            }

            dist.StorageKey = key;
            try
            {
                await WriteAsync();
            }
            catch
            {
                // Not stored: not served either, and the blob goes (the next request fetches it again).
                dist.StorageKey = null;
                await store.DeleteAsync(key, CancellationToken.None);
                throw;
            }

            return Outcome.Of(OutcomeCode.Done, key);
        }
        catch (Exception e) when (e is UpstreamException or ArtifactTooLargeException or HttpRequestException or IOException)
        {
            MirrorMetrics.SyncErrors.WithLabels(MirrorId).Inc();
            return new Outcome(OutcomeCode.Failed, $"{Package} {versionNormalized}: {e.Message}");
        }
        finally
        {
            _fetches.Remove($"{versionNormalized}@{reference}");
        }
    }

    /// <summary>The mirror's upstream, if the mirror still exists and still covers this package.</summary>
    private async Task<ComposerUpstream?> ConnectAsync()
    {
        var info = await GrainFactory.GetGrain<IMirrorGrain>(MirrorId).GetComposerUpstream();
        if (info is null || !info.Packages.Any(p => MirrorKinds.PackageMatches(p, Package)))
        {
            return null;
        }

        var credentials = info.EncryptedCredentials is { } encrypted ? JsonSerializer.Deserialize<MirrorCredentials>(secrets.Unprotect(encrypted)) : null;
        return new ComposerUpstream(new UpstreamHttp(
            clients.CreateClient(ProviderMirrorSync.HttpClientName), new Uri(info.Url), credentials, info.AllowInsecure, options.Value, clock, info.UserAgent));
    }

    /// <summary>Interleaved dist fetches and metadata refreshes write the one state row one at a time.</summary>
    private async Task WriteAsync()
    {
        await _writes.WaitAsync();
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception e) when (!DependencyFailures.NothingStored(e))
        {
            // Storage may hold a newer state than this activation: the next call reads it afresh.
            DeactivateOnIdle();
            throw;
        }
        finally
        {
            _writes.Release();
        }
    }
}
