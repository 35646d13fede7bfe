using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using OrleansRegistry.Signing;

namespace OrleansRegistry.Mirroring.Webhooks;

/// <summary>
/// The webhooks of a source: its secret (kept encrypted: HMAC verification needs it back), what a delivery asks for,
/// and the history of deliveries. The grain owns the state and starts the syncs a delivery asks for.
/// </summary>
public sealed class MirrorWebhooks(SecretProtector secrets, TimeProvider clock, int historyLength, ILogger logger)
{
    /// <summary>A new random secret (returned once), and the encrypted form the state keeps.</summary>
    public (string Secret, byte[] Encrypted) NewSecret()
    {
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        return (secret, secrets.Protect(Encoding.UTF8.GetBytes(secret)));
    }

    /// <summary>
    /// Refused (no webhook, Unauthorized): not authentic, not recorded. Unchanged: authentic but repeated or changing
    /// no refs. No answer: an authentic push or tag event, which asks for a sync.
    /// </summary>
    public WebhookDecision Decide(string mirrorId, byte[]? encryptedSecret, IEnumerable<WebhookRecord> deliveries, WebhookDelivery delivery)
    {
        if (encryptedSecret is null)
        {
            return new(null, new(OutcomeCode.Unauthorized, $"mirror '{mirrorId}' has no webhook secret; create one with POST /api/v1/mirrors/{mirrorId}/webhook-secret"));
        }

        var (webhook, error) = WebhookVerifier.Verify(delivery.Headers, delivery.Body, Encoding.UTF8.GetString(secrets.Unprotect(encryptedSecret)));
        if (webhook is null)
        {
            logger.LogWarning("Mirror {Mirror}: webhook refused: {Error}", mirrorId, error);
            return new(null, new(OutcomeCode.Unauthorized, error!));
        }

        if (webhook.DeliveryId is { } deliveryId && deliveries.Any(d => d.DeliveryId == deliveryId))
        {
            return new(webhook, new(OutcomeCode.Unchanged, $"delivery {deliveryId} was received before"));
        }

        return webhook.ChangesRefs ? new(webhook, null) : new(webhook, new(OutcomeCode.Unchanged, $"event '{webhook.Event}' does not change refs"));
    }

    /// <summary>Records an authentic delivery, newest first, keeping as many as the sync history.</summary>
    public void Remember(List<WebhookRecord> deliveries, VerifiedWebhook webhook, Outcome answer)
    {
        deliveries.Insert(0, new WebhookRecord(clock.GetUtcNow(), webhook.Sender, webhook.Event, webhook.DeliveryId, answer.Reason ?? ""));
        if (deliveries.Count > historyLength)
        {
            deliveries.RemoveRange(historyLength, deliveries.Count - historyLength);
        }
    }
}

/// <summary>
/// What a webhook delivery asks for: <see cref="Webhook"/> when authentic, <see cref="Answer"/> unless it asks for a sync.
/// </summary>
public sealed record WebhookDecision(VerifiedWebhook? Webhook, Outcome? Answer)
{
    public bool AsksForSync => Webhook is not null && Answer is null;
}
