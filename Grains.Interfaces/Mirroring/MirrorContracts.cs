using OrleansRegistry.Caching;
namespace OrleansRegistry.Mirroring;

/// <summary>Upstream credentials: a token, or a user name and password. Stored encrypted, never returned.</summary>
[GenerateSerializer, Immutable, Alias("mirror-credentials")]
public sealed record MirrorCredentials(
    [property: Id(0)] string? Token,
    [property: Id(1)] string? Username,
    [property: Id(2)] string? Password)
{
    public bool IsEmpty => string.IsNullOrEmpty(Token) && string.IsNullOrEmpty(Password);
}

/// <summary>A create or update: the settings and, when given, new credentials (empty ones remove them).</summary>
[GenerateSerializer, Immutable, Alias("mirror-change")]
public sealed record MirrorChange(
    [property: Id(0)] MirrorSettings Settings,
    [property: Id(1)] MirrorCredentials? Credentials,
    [property: Id(2)] Actor Actor);

/// <summary>One sync: when, why, what it did and what went wrong.</summary>
[GenerateSerializer, Immutable, Alias("mirror-sync-record")]
public sealed record MirrorSyncRecord(
    [property: Id(0)] int Number,
    [property: Id(1)] string Trigger,
    [property: Id(2)] DateTimeOffset StartedAt,
    [property: Id(3)] DateTimeOffset? EndedAt,
    [property: Id(4)] string Result,
    [property: Id(5)] MirrorSyncCounts Counts,
    [property: Id(6)] string[] Errors,
    [property: Id(7)] string? Silo);

/// <summary>Provider mirrors count platforms; Git sources count versions (tags and branches).</summary>
[GenerateSerializer, Immutable, Alias("mirror-sync-counts")]
public sealed record MirrorSyncCounts(
    [property: Id(0)] int VersionsAdded,
    [property: Id(1)] int PlatformsAdded,
    [property: Id(2)] int PlatformsSkipped,
    [property: Id(3)] int PlatformsFailed,
    [property: Id(4)] int VersionsSkipped = 0,
    [property: Id(5)] int VersionsFailed = 0)
{
    public static readonly MirrorSyncCounts Zero = new(0, 0, 0, 0);
}

[GenerateSerializer, Immutable, Alias("mirror-view")]
public sealed record MirrorView(
    [property: Id(0)] string Id,
    [property: Id(1)] MirrorSettings Settings,
    [property: Id(2)] bool HasCredentials,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] MirrorSyncRecord? Running,
    [property: Id(5)] MirrorSyncRecord? LastSync,
    [property: Id(6)] DateTimeOffset? NextSyncAt,
    [property: Id(7)] string? WebhookSecret = null);

/// <summary>What the directory knows of a mirror: enough to list mirrors and route provider requests to them.</summary>
[GenerateSerializer, Immutable, Alias("mirror-summary")]
public sealed record MirrorSummary(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Kind,
    [property: Id(3)] string Hostname,
    [property: Id(4)] string[] Providers,
    [property: Id(5)] bool PullThrough,
    [property: Id(6)] string UpstreamUrl,
    [property: Id(7)] MirrorSyncRecord? LastSync,
    [property: Id(8)] bool Running,
    [property: Id(9)] string? Namespace = null,
    [property: Id(10)] string[]? Packages = null);

/// <summary>A mirror that serves a provider, and the provider grain's key (<c>hostname/namespace/type</c>).</summary>
[GenerateSerializer, Immutable, Alias("mirror-route")]
public sealed record MirrorRoute(
    [property: Id(0)] string MirrorId,
    [property: Id(1)] string ProviderKey,
    [property: Id(2)] bool PullThrough);

/// <summary>A webhook delivery as received: the headers that matter (lower-case names) and the raw body.</summary>
[GenerateSerializer, Immutable, Alias("webhook-delivery")]
public sealed record WebhookDelivery(
    [property: Id(0)] Dictionary<string, string> Headers,
    [property: Id(1)] byte[] Body);

/// <summary>A webhook delivery as the source's history shows it.</summary>
[GenerateSerializer, Immutable, Alias("webhook-record")]
public sealed record WebhookRecord(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Sender,
    [property: Id(2)] string Event,
    [property: Id(3)] string? DeliveryId,
    [property: Id(4)] string Outcome);

/// <summary>Where a composer-repository mirror fetches from; the credentials stay encrypted in transit.</summary>
[GenerateSerializer, Immutable, Alias("composer-upstream-info")]
public sealed record ComposerUpstreamInfo(
    [property: Id(0)] string Url,
    [property: Id(1)] byte[]? EncryptedCredentials,
    [property: Id(2)] string? UserAgent,
    [property: Id(3)] bool AllowInsecure,
    [property: Id(4)] string[] Packages);

/// <summary>
/// A package of an upstream Composer repository, as one mirror sees it (key <c>{mirror id}/{vendor}/{name}</c>):
/// its upstream p2 files (cached, revalidated with If-Modified-Since), re-rendered with our dist URLs, and its dists
/// (fetched on first download, verified, kept).
/// </summary>
[Alias("composer-mirror-package")]
public interface IComposerMirrorPackageGrain : IGrainWithStringKey
{
    /// <summary>
    /// Our p2 file (tags, or <c>~dev</c>); null when the upstream has no such package. <paramref name="holder"/> is told
    /// when a revalidation finds the upstream changed.
    /// </summary>
    [Alias("metadata")]
    Task<ProtocolDocument?> GetMetadata(bool dev, string baseUrl, IDocumentHolder? holder);

    /// <summary>The dist's storage key once stored (Done); Pending while fetching; NotFound; Failed with the upstream's error.</summary>
    [Alias("dist"), Orleans.Concurrency.AlwaysInterleave]
    Task<Outcome<string>> GetDist(string versionNormalized, string reference, IDocumentHolder? holder);

    /// <summary>The dists the cached metadata lists, and whether each is stored (eager mode fetches the rest).</summary>
    [Alias("dists"), Orleans.Concurrency.AlwaysInterleave]
    Task<DistRef[]> ListDists();
}

[GenerateSerializer, Immutable, Alias("dist-ref")]
public sealed record DistRef(
    [property: Id(0)] string VersionNormalized,
    [property: Id(1)] string Reference,
    [property: Id(2)] bool Stored);
