using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OrleansRegistry.ApiKeys;

namespace OrleansRegistry.Mirroring.Webhooks;

/// <summary>An authentic delivery: who sent it, which event, its delivery id, and whether it changes refs.</summary>
public sealed record VerifiedWebhook(string Sender, string Event, string? DeliveryId, bool ChangesRefs);

/// <summary>
/// Checks a webhook delivery the way each Git host signs it, against the source's secret, and reads its event:
/// GitHub (<c>X-Hub-Signature-256</c>), GitLab (<c>X-Gitlab-Token</c>), Gitea/Gogs (<c>X-Gitea-Signature</c>,
/// <c>X-Gogs-Signature</c>), Bitbucket (<c>X-Hub-Signature: sha256=</c>) and Azure DevOps (basic auth). All
/// comparisons are constant-time. Gitea also sends X-Hub-Signature-256, so its own header is checked first.
/// </summary>
public static class WebhookVerifier
{
    /// <summary>The headers the frontend passes on (lower-case).</summary>
    public static readonly IReadOnlyList<string> Headers =
    [
        "x-hub-signature-256", "x-hub-signature", "x-gitlab-token", "x-gitea-signature", "x-gogs-signature", "authorization",
        "x-github-event", "x-gitlab-event", "x-gitea-event", "x-gogs-event", "x-event-key",
        "x-github-delivery", "x-gitea-delivery", "x-gogs-delivery", "x-gitlab-event-uuid", "x-request-uuid", "x-hook-uuid",
    ];

    public static (VerifiedWebhook? Webhook, string? Error) Verify(IReadOnlyDictionary<string, string> headers, byte[] body, string secret)
    {
        string? Header(string name) => headers.TryGetValue(name, out var value) ? value.Trim() : null;

        if (Header("x-gitlab-token") is { } gitlab)
        {
            var gitlabEvent = Header("x-gitlab-event") ?? "unknown";
            return Same(gitlab, secret)
                ? (new("gitlab", gitlabEvent, Header("x-gitlab-event-uuid"), gitlabEvent is "Push Hook" or "Tag Push Hook"), null)
                : (null, "X-Gitlab-Token is not the webhook secret");
        }

        if ((Header("x-gitea-signature") ?? Header("x-gogs-signature")) is { } gitea)
        {
            var giteaEvent = Header("x-gitea-event") ?? Header("x-gogs-event") ?? "unknown";
            return Signed(gitea, "", body, secret)
                ? (new("gitea", giteaEvent, Header("x-gitea-delivery") ?? Header("x-gogs-delivery"), giteaEvent is "push" or "create" or "release"), null)
                : (null, "X-Gitea-Signature does not match the body (HMAC-SHA256 with the webhook secret)");
        }

        if (Header("x-hub-signature-256") is { } github)
        {
            var githubEvent = Header("x-github-event") ?? "unknown";
            return Signed(github, "sha256=", body, secret)
                ? (new("github", githubEvent, Header("x-github-delivery"), githubEvent is "push" or "create" or "release"), null)
                : (null, "X-Hub-Signature-256 does not match the body (HMAC-SHA256 with the webhook secret)");
        }

        if (Header("x-hub-signature") is { } bitbucket)
        {
            var key = Header("x-event-key") ?? "unknown";
            return Signed(bitbucket, "sha256=", body, secret)
                ? (new("bitbucket", key, Header("x-request-uuid") ?? Header("x-hook-uuid"), key is "repo:push" or "repo:refs_changed"), null)
                : (null, "X-Hub-Signature does not match the body (sha256= HMAC with the webhook secret)");
        }

        if (Header("authorization") is { } authorization && authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            var password = BasicCredentials.Password(authorization[6..]);
            if (password is null || !Same(password, secret))
            {
                return (null, "the basic auth password is not the webhook secret");
            }

            var azureEvent = AzureEventType(body) ?? "unknown";
            return (new("azure-devops", azureEvent, null, azureEvent == "git.push"), null);
        }

        return (null, "no webhook signature: expected X-Hub-Signature-256 (GitHub), X-Gitlab-Token (GitLab), X-Gitea-Signature (Gitea), X-Hub-Signature (Bitbucket) or basic auth (Azure DevOps)");
    }

    /// <summary>HMAC-SHA256 of the body, hex, after an optional prefix (e.g. <c>sha256=</c>).</summary>
    public static string Sign(byte[] body, string secret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private static bool Signed(string header, string prefix, byte[] body, string secret) =>
        header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && Same(header[prefix.Length..].ToLowerInvariant(), Sign(body, secret));

    private static bool Same(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private static string? AzureEventType(byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("eventType", out var type) ? type.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
