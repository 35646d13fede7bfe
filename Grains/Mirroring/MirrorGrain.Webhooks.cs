using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using OrleansRegistry.Changes;
using OrleansRegistry.Mirroring.Webhooks;

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

        if (state.State.WebhookSecret is not { } encrypted)
        {
            return new(OutcomeCode.Unauthorized, $"mirror '{Id}' has no webhook secret; create one with POST /api/v1/mirrors/{Id}/webhook-secret");
        }

        var (webhook, error) = WebhookVerifier.Verify(delivery.Headers, delivery.Body, Encoding.UTF8.GetString(secrets.Unprotect(encrypted)));
        if (webhook is null)
        {
            logger.LogWarning("Mirror {Mirror}: webhook refused: {Error}", Id, error);
            return new(OutcomeCode.Unauthorized, error!);
        }

        (OutcomeCode Code, string Outcome) answer;
        if (webhook.DeliveryId is { } deliveryId && state.State.Deliveries.Any(d => d.DeliveryId == deliveryId))
        {
            answer = (OutcomeCode.Unchanged, $"delivery {deliveryId} was received before");
        }
        else if (!webhook.ChangesRefs)
        {
            answer = (OutcomeCode.Unchanged, $"event '{webhook.Event}' does not change refs");
        }
        else if (_sync is null)
        {
            await BeginSyncAsync($"webhook ({webhook.Sender} {webhook.Event})");
            answer = (OutcomeCode.Accepted, $"sync {state.State.LastSyncNumber} started");
        }
        else
        {
            _syncQueued = true;
            answer = (OutcomeCode.Accepted, "a sync is running; another follows it");
        }

        var record = new WebhookRecord(clock.GetUtcNow(), webhook.Sender, webhook.Event, webhook.DeliveryId, answer.Outcome);
        await Changes.CommitAsync(s =>
        {
            s.Deliveries.Insert(0, record);
            if (s.Deliveries.Count > options.Value.HistoryLength)
            {
                s.Deliveries.RemoveRange(options.Value.HistoryLength, s.Deliveries.Count - options.Value.HistoryLength);
            }
        });
        return new(answer.Code, answer.Outcome);
    }

    public async Task<string?> RotateWebhookSecret(Actor actor)
    {
        if (Settings is null)
        {
            return null;
        }

        var (secret, encrypted) = NewWebhookSecret();
        await Changes.CommitAsync(s => s.WebhookSecret = encrypted, AuditRecord.Of(actor, "mirror.rotate-webhook-secret", Id, clock.GetUtcNow()));
        return secret;
    }

    /// <summary>A new random secret, and the form state keeps it in (encrypted: HMAC verification needs it back); returned once.</summary>
    private (string Secret, byte[] Encrypted) NewWebhookSecret()
    {
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        return (secret, secrets.Protect(Encoding.UTF8.GetBytes(secret)));
    }
}
