using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansRegistry.Mirroring;
using OrleansRegistry.Mirroring.Webhooks;
using OrleansRegistry.Signing;

namespace OrleansRegistry.UnitTests;

/// <summary>What a source makes of a webhook delivery, and the history it keeps of them.</summary>
public class MirrorWebhooksTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"ref":"refs/tags/v1.2.0"}""");
    private readonly MirrorWebhooks _webhooks = new(new SecretProtector(new byte[32]), TimeProvider.System, historyLength: 2, NullLogger.Instance);

    private static WebhookDelivery GitHub(string secret, string @event = "push", string delivery = "d1") => new(
        new() { ["x-hub-signature-256"] = "sha256=" + WebhookVerifier.Sign(Body, secret), ["x-github-event"] = @event, ["x-github-delivery"] = delivery },
        Body);

    [Fact]
    public void An_authentic_push_asks_for_a_sync()
    {
        var (secret, encrypted) = _webhooks.NewSecret();

        var decision = _webhooks.Decide("m1", encrypted, [], GitHub(secret));

        Assert.True(decision.AsksForSync);
        Assert.Equal(("github", "push", "d1"), (decision.Webhook!.Sender, decision.Webhook.Event, decision.Webhook.DeliveryId));
    }

    [Fact]
    public void A_delivery_signed_with_another_secret_or_to_a_source_without_one_is_refused()
    {
        var (_, encrypted) = _webhooks.NewSecret();

        var forged = _webhooks.Decide("m1", encrypted, [], GitHub("another secret"));
        var secretless = _webhooks.Decide("m1", null, [], GitHub("another secret"));

        Assert.Equal((null, OutcomeCode.Unauthorized), (forged.Webhook, forged.Answer!.Code));
        Assert.Equal((null, OutcomeCode.Unauthorized), (secretless.Webhook, secretless.Answer!.Code));
        Assert.Contains("POST /api/v1/mirrors/m1/webhook-secret", secretless.Answer.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_repeated_delivery_or_an_event_that_changes_no_refs_is_recorded_but_starts_nothing()
    {
        var (secret, encrypted) = _webhooks.NewSecret();
        var seen = new WebhookRecord(DateTimeOffset.UnixEpoch, "github", "push", "d1", "sync 1 started");

        var repeated = _webhooks.Decide("m1", encrypted, [seen], GitHub(secret));
        var ping = _webhooks.Decide("m1", encrypted, [seen], GitHub(secret, "ping", "d2"));

        Assert.Equal((false, OutcomeCode.Unchanged), (repeated.AsksForSync, repeated.Answer!.Code));
        Assert.Equal("delivery d1 was received before", repeated.Answer.Reason);
        Assert.Equal((false, OutcomeCode.Unchanged), (ping.AsksForSync, ping.Answer!.Code));
        Assert.NotNull(ping.Webhook);
    }

    [Fact]
    public void Deliveries_are_kept_newest_first_as_many_as_the_history_length()
    {
        var deliveries = new List<WebhookRecord>();
        foreach (var id in new[] { "d1", "d2", "d3" })
        {
            _webhooks.Remember(deliveries, new VerifiedWebhook("github", "push", id, true), new(OutcomeCode.Accepted, $"{id} started"));
        }

        Assert.Equal(["d3", "d2"], deliveries.Select(d => d.DeliveryId));
        Assert.Equal("d3 started", deliveries[0].Outcome);
    }
}
