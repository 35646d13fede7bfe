namespace OrleansRegistry.Mirroring;

/// <summary>
/// A mirror of an upstream registry, keyed by its id. Its single activation runs at most one sync at a time
/// anywhere in the cluster; a reminder schedules the syncs.
/// </summary>
[Alias("mirror")]
public interface IMirrorGrain : IGrainWithStringKey
{
    [Alias("create")]
    Task<Outcome<MirrorView>> Create(MirrorChange change);

    [Alias("update")]
    Task<Outcome<MirrorView>> Update(MirrorChange change);

    [Alias("get"), Orleans.Concurrency.AlwaysInterleave]
    Task<MirrorView?> Get();

    [Alias("history"), Orleans.Concurrency.AlwaysInterleave]
    Task<MirrorSyncRecord[]?> GetHistory();

    /// <summary>Webhook deliveries, newest first.</summary>
    [Alias("deliveries"), Orleans.Concurrency.AlwaysInterleave]
    Task<WebhookRecord[]?> GetDeliveries();

    /// <summary>
    /// Verifies a webhook delivery against the source's secret and, for a push or tag event, starts a sync (Accepted);
    /// an authentic delivery that changes no refs, or a repeated one, is Unchanged; a bad signature Unauthorized.
    /// The reason is the delivery's outcome in words.
    /// </summary>
    [Alias("webhook")]
    Task<Outcome> ReceiveWebhook(WebhookDelivery delivery);

    /// <summary>Generates a new webhook secret and returns it (the only time it is shown); null when not found.</summary>
    [Alias("rotate-webhook-secret")]
    Task<string?> RotateWebhookSecret(Actor actor);

    /// <summary>A composer-repository mirror's upstream, for its package proxies (credentials still encrypted).</summary>
    [Alias("composer-upstream"), Orleans.Concurrency.AlwaysInterleave]
    Task<ComposerUpstreamInfo?> GetComposerUpstream();

    [Alias("delete")]
    Task<bool> Delete(Actor actor);

    /// <summary>Starts a sync now (Accepted) unless one is running (Unchanged); returns at once.</summary>
    [Alias("sync")]
    Task<Outcome> StartSync(Actor actor);

    /// <summary>Network mirror <c>index.json</c> of a pull-through mirror: stored versions and the upstream's allowed ones.</summary>
    [Alias("pull-through-index"), Orleans.Concurrency.AlwaysInterleave]
    Task<ProtocolDocument?> GetPullThroughIndex(string ns, string type);

    /// <summary>
    /// Fetches a version the filters allow but that is not stored yet; concurrent callers share one fetch. Done when
    /// stored; Pending while fetching; NotFound when the filters or the upstream do not have it; Failed with why.
    /// </summary>
    [Alias("pull-through"), Orleans.Concurrency.AlwaysInterleave]
    Task<Outcome> PullThrough(string ns, string type, string version);
}

/// <summary>The list of mirrors (one activation, key <see cref="Key"/>): listing and routing of provider requests.</summary>
[Alias("mirror-directory")]
public interface IMirrorDirectoryGrain : IGrainWithStringKey
{
    public const string Key = "all";

    [Alias("upsert")]
    Task Upsert(MirrorSummary summary);

    [Alias("remove")]
    Task Remove(string id);

    [Alias("list"), Orleans.Concurrency.ReadOnly]
    Task<MirrorSummary[]> List();

    [Alias("name-taken"), Orleans.Concurrency.ReadOnly]
    Task<bool> NameTaken(string name, string exceptId);

    /// <summary>The <c>composer-repository</c> mirror whose packages include <paramref name="package"/>, if any.</summary>
    [Alias("route-composer"), Orleans.Concurrency.ReadOnly]
    Task<string?> RouteComposer(string package);

    /// <summary>The mirror serving <c>ns/type</c> under <paramref name="hostname"/> (any hostname when null).</summary>
    [Alias("route"), Orleans.Concurrency.ReadOnly]
    Task<MirrorRoute?> Route(string? hostname, string ns, string type);
}
