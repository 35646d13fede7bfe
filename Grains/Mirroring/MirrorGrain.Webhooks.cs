using OrleansRegistry.Changes;

namespace OrleansRegistry.Mirroring;

/// <summary>Webhooks: a push or tag event from the Git host, signed with the source's secret, starts a sync.</summary>
public sealed partial class MirrorGrain
{
    public Task<WebhookRecord[]?> GetDeliveries() =>
        Task.FromResult(Settings is null ? null : (WebhookRecord[]?)[.. state.State.Deliveries]);

    public async Task<Outcome> ReceiveWebhook(WebhookDelivery delivery)
    {
        if (Settings is null)
        {
            return Outcome.NotFound(NotFoundReason);
        }

        var decision = _webhooks.Decide(Id, state.State.WebhookSecret, state.State.Deliveries, delivery);
        if (decision.Webhook is not { } webhook)
        {
            return decision.Answer!;
        }

        var answer = decision.AsksForSync ? await StartOrQueueSyncAsync($"webhook ({webhook.Sender} {webhook.Event})") : decision.Answer!;
        await Changes.CommitAsync(s => _webhooks.Remember(s.Deliveries, webhook, answer));
        return answer;
    }

    public async Task<string?> RotateWebhookSecret(Actor actor)
    {
        if (Settings is null)
        {
            return null;
        }

        var (secret, encrypted) = _webhooks.NewSecret();
        await Changes.CommitAsync(s => s.WebhookSecret = encrypted, AuditRecord.Of(actor, "mirror.rotate-webhook-secret", Id, clock.GetUtcNow()));
        return secret;
    }
}
