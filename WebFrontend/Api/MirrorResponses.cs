using OrleansRegistry.Mirroring;

namespace OrleansRegistry.WebFrontend.Api;

/// <summary>
/// A mirror or source as the admin API shows it: the fields of its kind (the others are left out), its schedule, its
/// running and last sync, and where its webhook is. The webhook secret appears only in the answer to a create.
/// </summary>
public sealed record MirrorResponse(
    string Id,
    string Kind,
    string? Name,
    string? UpstreamUrl,
    string? Url,
    string? Hostname,
    string[]? Providers,
    string? Versions,
    string[]? Platforms,
    bool? PullThrough,
    string[]? Packages,
    string? Mode,
    string? UserAgent,
    string? Namespace,
    string? Path,
    string? System,
    string? TagPattern,
    int IntervalMinutes,
    bool AllowInsecure,
    bool HasCredentials,
    DateTimeOffset CreatedAt,
    DateTimeOffset? NextSyncAt,
    MirrorSyncResponse? Running,
    MirrorSyncResponse? LastSync,
    string WebhookUrl,
    string? WebhookSecret)
{
    public static MirrorResponse Of(HttpContext http, MirrorView m)
    {
        var s = m.Settings;
        var git = s.KindSettings as IGitSourceSettings;
        var module = s.KindSettings as ModuleGitSourceSettings;
        var providers = s.KindSettings as ProviderMirrorSettings;
        var repository = s.KindSettings as ComposerRepositoryMirrorSettings;
        return new(
            m.Id,
            s.Kind,
            module is null ? s.Name : module.ModuleName,
            git is null ? s.UpstreamUrl : null,
            git is null ? null : s.UpstreamUrl,
            providers?.Hostname,
            providers?.Providers,
            providers?.Versions,
            providers?.Platforms,
            providers?.PullThrough,
            repository?.Packages,
            repository?.Mode,
            repository?.UserAgent,
            git?.Namespace,
            git?.Path,
            module?.System,
            module?.TagPattern,
            s.IntervalMinutes,
            s.AllowInsecure,
            m.HasCredentials,
            m.CreatedAt,
            m.NextSyncAt,
            MirrorSyncResponse.OfOptional(m.Running),
            MirrorSyncResponse.OfOptional(m.LastSync),
            WebhookUrlOf(http, m.Id),
            m.WebhookSecret);
    }

    public static string WebhookUrlOf(HttpContext http, string id) => $"{http.Request.Scheme}://{http.Request.Host}/api/v1/webhooks/{id}";
}

/// <summary>One sync: when, why, what it did (counts flattened) and what went wrong.</summary>
public sealed record MirrorSyncResponse(
    int Number,
    string Trigger,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    string Result,
    int VersionsAdded,
    int PlatformsAdded,
    int PlatformsSkipped,
    int PlatformsFailed,
    int VersionsSkipped,
    int VersionsFailed,
    string[] Errors,
    string? Silo)
{
    public static MirrorSyncResponse Of(MirrorSyncRecord s) => new(
        s.Number, s.Trigger, s.StartedAt, s.EndedAt, s.Result, s.Counts.VersionsAdded, s.Counts.PlatformsAdded,
        s.Counts.PlatformsSkipped, s.Counts.PlatformsFailed, s.Counts.VersionsSkipped, s.Counts.VersionsFailed, s.Errors, s.Silo);

    public static MirrorSyncResponse? OfOptional(MirrorSyncRecord? s) => s is null ? null : Of(s);
}

public sealed record MirrorListResponse(MirrorListItem[] Mirrors);

/// <summary>A mirror in the list: enough to find it and see how it is doing.</summary>
public sealed record MirrorListItem(
    string Id, string Name, string Kind, string UpstreamUrl, string Hostname, string[] Providers, bool PullThrough, bool Running, MirrorSyncResponse? LastSync)
{
    public static MirrorListItem Of(MirrorSummary m) =>
        new(m.Id, m.Name, m.Kind, m.UpstreamUrl, m.Hostname, m.Providers, m.PullThrough, m.Running, MirrorSyncResponse.OfOptional(m.LastSync));
}

/// <summary><see cref="Status"/> is "started", or "already running" when a sync was under way.</summary>
public sealed record SyncStartResponse(string Id, string Status);

public sealed record MirrorHistoryResponse(string Id, MirrorSyncResponse[] Syncs, WebhookRecord[] Deliveries);

/// <summary>A new webhook secret: shown this once.</summary>
public sealed record WebhookSecretResponse(string Id, string WebhookUrl, string WebhookSecret);
