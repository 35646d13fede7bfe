using System.Text;
using OrleansRegistry.Mirroring.Webhooks;

namespace OrleansRegistry.UnitTests;

public class WebhookVerifierTests
{
    private const string Secret = "3f1c9a";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"ref":"refs/tags/v1.2.0","eventType":"git.push"}""");

    private static string Hmac(byte[] body, string secret = Secret) => WebhookVerifier.Sign(body, secret);

    public static TheoryData<string, Dictionary<string, string>, bool> Authentic => new()
    {
        { "github", new() { ["x-hub-signature-256"] = "sha256=" + Hmac(Body), ["x-github-event"] = "push", ["x-github-delivery"] = "d1" }, true },
        { "github", new() { ["x-hub-signature-256"] = "sha256=" + Hmac(Body), ["x-github-event"] = "ping" }, false },
        { "gitlab", new() { ["x-gitlab-token"] = Secret, ["x-gitlab-event"] = "Tag Push Hook" }, true },
        { "gitlab", new() { ["x-gitlab-token"] = Secret, ["x-gitlab-event"] = "Issue Hook" }, false },
        { "gitea", new() { ["x-gitea-signature"] = Hmac(Body), ["x-hub-signature-256"] = "sha256=" + Hmac(Body), ["x-gitea-event"] = "push" }, true },
        { "gitea", new() { ["x-gogs-signature"] = Hmac(Body), ["x-gogs-event"] = "create" }, true },
        { "bitbucket", new() { ["x-hub-signature"] = "sha256=" + Hmac(Body), ["x-event-key"] = "repo:refs_changed" }, true },
        { "azure-devops", new() { ["authorization"] = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("azure:" + Secret)) }, true },
    };

    [Theory]
    [MemberData(nameof(Authentic))]
    public void Accepts_each_hosts_own_authentication(string sender, Dictionary<string, string> headers, bool changesRefs)
    {
        var (webhook, error) = WebhookVerifier.Verify(headers, Body, Secret);
        Assert.Null(error);
        Assert.Equal(sender, webhook!.Sender);
        Assert.Equal(changesRefs, webhook.ChangesRefs);
    }

    public static TheoryData<Dictionary<string, string>, string> Forged => new()
    {
        { new() { ["x-hub-signature-256"] = "sha256=" + Hmac(Body, "other") }, "X-Hub-Signature-256" },
        { new() { ["x-hub-signature-256"] = Hmac(Body) }, "X-Hub-Signature-256" },
        { new() { ["x-hub-signature-256"] = "sha256=" + Hmac(Encoding.UTF8.GetBytes("another body")) }, "X-Hub-Signature-256" },
        { new() { ["x-gitlab-token"] = Secret + "x" }, "X-Gitlab-Token" },
        { new() { ["x-gitea-signature"] = "00" }, "X-Gitea-Signature" },
        { new() { ["x-hub-signature"] = "sha1=" + Hmac(Body) }, "X-Hub-Signature" },
        { new() { ["authorization"] = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("azure:wrong")) }, "basic auth" },
        { new() { ["authorization"] = "Basic !!!" }, "basic auth" },
        { new() { ["x-github-event"] = "push" }, "no webhook signature" },
    };

    [Theory]
    [MemberData(nameof(Forged))]
    public void Refuses_missing_or_wrong_signatures(Dictionary<string, string> headers, string expected)
    {
        var (webhook, error) = WebhookVerifier.Verify(headers, Body, Secret);
        Assert.Null(webhook);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
