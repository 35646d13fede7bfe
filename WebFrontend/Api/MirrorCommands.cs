using OrleansRegistry.ApiKeys;
using OrleansRegistry.Mirroring;
using OrleansRegistry.Namespaces;

namespace OrleansRegistry.WebFrontend.Api;

/// <summary>
/// What may be done with mirrors and sources, by whom: the rules the admin API and the web UI both apply. A caller
/// limited to namespaces sees and manages only the mirrors whose packages land in those namespaces.
/// </summary>
public sealed class MirrorCommands(IGrainFactory grains)
{
    public async Task<Outcome<MirrorView>> CreateAsync(ApiKeyPrincipal caller, MirrorRequest request)
    {
        var (settings, invalid) = request.ToSettings(null);
        if (settings is null)
        {
            return Outcome.Invalid(invalid!);
        }

        if (Refusal(caller, settings) is { } forbidden)
        {
            return forbidden;
        }

        if (settings.KindSettings is IGitSourceSettings { Namespace: var ns } && Names.IsValidSegment(ns) && !await grains.GetGrain<INamespaceGrain>(ns!).Exists())
        {
            return Outcome.NotFound($"namespace '{ns}' does not exist; create it first (POST /api/v1/namespaces)");
        }

        var id = Guid.NewGuid().ToString("N")[..12];
        return await grains.GetGrain<IMirrorGrain>(id).Create(new MirrorChange(settings, request.NewCredentials, caller.AsActor()));
    }

    public async Task<MirrorSummary[]> ListAsync(ApiKeyPrincipal caller) =>
        [.. (await grains.GetGrain<IMirrorDirectoryGrain>(IMirrorDirectoryGrain.Key).List()).Where(m => MirrorKinds.Namespaces(m).All(caller.CanAccessNamespace))];

    /// <summary>The mirror, if it exists and the caller reaches its namespaces; else NotFound or Forbidden.</summary>
    public async Task<Outcome<MirrorView>> FindAsync(ApiKeyPrincipal caller, string id)
    {
        id = id.ToLowerInvariant();
        var view = Names.IsValidSegment(id) ? await grains.GetGrain<IMirrorGrain>(id).Get() : null;
        if (view is null)
        {
            return Outcome.NotFound($"mirror '{id}' not found");
        }

        return Refusal(caller, view.Settings) ?? Outcome.Of(OutcomeCode.Done, view);
    }

    /// <summary>Changes the settings (fields the request leaves out keep their values) and, when given, the credentials.</summary>
    public async Task<Outcome<MirrorView>> UpdateAsync(ApiKeyPrincipal caller, string id, MirrorRequest request)
    {
        var found = await FindAsync(caller, id);
        if (found.Value is not { } view)
        {
            return found;
        }

        var (settings, invalid) = request.ToSettings(view.Settings);
        if (settings is null)
        {
            return Outcome.Invalid(invalid!);
        }

        return Refusal(caller, settings)
            ?? await grains.GetGrain<IMirrorGrain>(view.Id).Update(new MirrorChange(settings, request.NewCredentials, caller.AsActor()));
    }

    public async Task<Outcome> DeleteAsync(ApiKeyPrincipal caller, string id)
    {
        var found = await FindAsync(caller, id);
        if (found.Value is not { } view)
        {
            return found.WithoutValue();
        }

        await grains.GetGrain<IMirrorGrain>(view.Id).Delete(caller.AsActor());
        return Outcome.Done;
    }

    /// <summary>Starts a sync now; one already running counts as started (the caller wanted one, and one is under way).</summary>
    public async Task<Outcome<MirrorView>> SyncAsync(ApiKeyPrincipal caller, string id)
    {
        var found = await FindAsync(caller, id);
        if (found.Value is not { } view)
        {
            return found;
        }

        var started = await grains.GetGrain<IMirrorGrain>(view.Id).StartSync(caller.AsActor());
        return started.Succeeded ? new Outcome<MirrorView>(started.Code, started.Reason, view) : started;
    }

    /// <summary>The mirror's syncs (newest first) and the webhook deliveries it received.</summary>
    public async Task<Outcome<(MirrorView View, MirrorSyncRecord[] Syncs, WebhookRecord[] Deliveries)>> HistoryAsync(ApiKeyPrincipal caller, string id)
    {
        var found = await FindAsync(caller, id);
        if (found.Value is not { } view)
        {
            return found.WithoutValue();
        }

        var mirror = grains.GetGrain<IMirrorGrain>(view.Id);
        return Outcome.Of(OutcomeCode.Done, (view, await mirror.GetHistory() ?? [], await mirror.GetDeliveries() ?? []));
    }

    /// <summary>A new webhook secret, shown this once; the old one stops working at once.</summary>
    public async Task<Outcome<(MirrorView View, string Secret)>> RotateWebhookSecretAsync(ApiKeyPrincipal caller, string id)
    {
        var found = await FindAsync(caller, id);
        if (found.Value is not { } view)
        {
            return found.WithoutValue();
        }

        var secret = await grains.GetGrain<IMirrorGrain>(view.Id).RotateWebhookSecret(caller.AsActor());
        return secret is null ? Outcome.NotFound($"mirror '{view.Id}' not found") : Outcome.Of(OutcomeCode.Done, (view, secret));
    }

    private static Outcome? Refusal(ApiKeyPrincipal caller, MirrorSettings settings) =>
        MirrorKinds.Namespaces(settings).FirstOrDefault(ns => !caller.CanAccessNamespace(ns)) is { } outside
            ? new Outcome(OutcomeCode.Forbidden, $"the API key may not access namespace '{outside}'")
            : null;
}
