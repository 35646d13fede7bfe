using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using OrleansRegistry.IntegrationTests.Infrastructure;
using OrleansRegistry.Users;

namespace OrleansRegistry.IntegrationTests;

/// <summary>
/// API keys warn of their expiry by e-mail, through a real SMTP server (maildev, with a login): a service account's key
/// its organization's contact, a user's key the user, a registry-wide key the operators' mailbox. Each warning goes
/// once, across a silo restart too; only the most urgent of several due at once; again after the expiry moved;
/// never for a revoked key. The warnings are audited and counted in /metrics.
/// </summary>
/// <summary>
/// Runs alone, with a PostgreSQL of its own: its warnings fall due seconds apart by the clock, which a machine busy with
/// the rest of the suite (other registries, the image builds) delayed past the test's bounds in a CI run.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ExpiryMailCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "expiry-mail";
}

[Collection(ExpiryMailCollection.Name)]
public sealed class ApiKeyExpiryMailTests(PostgresServer postgres)
{
    // Warnings 86.4 s and 25.92 s before expiry: seconds' worth of "days", so the test runs in about two minutes.
    private const string Early = "0.001";
    private const string Late = "0.0003";
    private const string Operators = "ops@registry.acme.test";
    private const string OrganizationContact = "platform@acme.test";
    private const string UserEmail = "alice@acme.test";
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(95);

    [Fact]
    public async Task Each_warning_reaches_its_recipient_once_across_a_restart_and_is_audited_and_counted()
    {
        await using var mail = await MailDevServer.StartAsync();
        var settings = mail.RegistrySettings();
        settings["Registry:ApiKeyExpiryWarnings:Days"] = $"{Early},{Late}";
        settings["Registry:ApiKeyExpiryWarnings:To"] = Operators;
        var database = await postgres.CreateDatabaseAsync();

        var first = await RegistryInstance.StartAsync(database, settings: settings);
        string dataDir = first.DataDir, adminKey = first.AdminKey;
        Dictionary<string, (string Id, string Token)> keys;
        try
        {
            await first.JsonAsync(HttpMethod.Post, "/api/v1/organizations", new { name = "acme", contact_email = OrganizationContact }, expectedStatus: 201);
            await first.JsonAsync(HttpMethod.Put, "/api/v1/organizations/acme/members/service-accounts/ci", new { role = "viewer" });
            // A person as OIDC sign-in records them (the user grain), then made a member.
            var userId = UserIds.For("https://idp.acme.test", "alice");
            await first.Services.GetRequiredService<IGrainFactory>().GetGrain<IUserGrain>(userId)
                .SignIn(new UserSignIn("https://idp.acme.test", "alice", UserEmail, "Alice"));
            await first.JsonAsync(HttpMethod.Put, $"/api/v1/organizations/acme/members/users/{userId}", new { role = "viewer" });

            var expires = DateTimeOffset.UtcNow + Lifetime;
            keys = new()
            {
                ["service"] = await CreateKeyAsync(first, "service", expires, new { organization = "acme", service_account = "ci" }),
                ["user"] = await CreateKeyAsync(first, "user", expires, new { organization = "acme", user = userId }),
                ["registry"] = await CreateKeyAsync(first, "registry", expires),
                ["moved"] = await CreateKeyAsync(first, "moved", expires),
                ["revoked"] = await CreateKeyAsync(first, "revoked", expires),
            };
            await first.JsonAsync(HttpMethod.Delete, $"/api/v1/apikeys/{keys["revoked"].Id}");

            await WaitForMailsAsync(mail, m => Count(m, "service", Early) + Count(m, "user", Early) + Count(m, "registry", Early) + Count(m, "moved", Early) == 4,
                "the first warning of each live key");
        }
        finally
        {
            await first.DisposeAsync();
        }

        // The second warnings are due in about a minute: the reminders and the warnings recorded as sent live in PostgreSQL.
        await using var second = await RegistryInstance.StartAsync(database, dataDir, adminKey, settings);

        // A change makes each key look at its warnings again: one that forgot what it sent would send the first again.
        foreach (var name in new[] { "service", "user", "registry" })
        {
            await second.JsonAsync(HttpMethod.Put, $"/api/v1/apikeys/{keys[name].Id}", new { rate_limit_per_hour = 500 });
        }

        // Created within both warnings: only the more urgent one goes.
        keys["late"] = await CreateKeyAsync(second, "late", DateTimeOffset.UtcNow + TimeSpan.FromSeconds(20));

        // A later expiry owes the first warning again; revoked after it, the key warns no more.
        await second.JsonAsync(HttpMethod.Put, $"/api/v1/apikeys/{keys["moved"].Id}", new { expires_at = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(90) });
        await WaitForMailsAsync(mail, m => Count(m, "moved", Early) == 2, "the moved key's first warning again");
        await second.JsonAsync(HttpMethod.Delete, $"/api/v1/apikeys/{keys["moved"].Id}");

        // Expired, a key warns no more: every mail it could send was sent before its apikey.expired entry.
        foreach (var name in new[] { "service", "user", "registry", "late" })
        {
            await WaitUntilAsync(async () => (await AuditAsync(second, "apikey.expired", keys[name].Id)).Length == 1, $"key '{name}' to expire");
        }

        var mails = await mail.MailsAsync();
        Assert.All(new[] { "service", "user", "registry" }, name =>
        {
            Assert.Equal(1, Count(mails, name, Early));
            Assert.Equal(1, Count(mails, name, Late));
        });
        Assert.Equal(1, Count(mails, "late", Late));
        Assert.Equal(0, Count(mails, "late", Early));
        Assert.Equal(2, Count(mails, "moved", Early));
        Assert.DoesNotContain(mails, m => m.Subject.Contains("'revoked'", StringComparison.Ordinal));
        Assert.Equal(9, mails.Length);

        Assert.All(Of(mails, "service"), m => Assert.Equal([OrganizationContact], m.To));
        Assert.All(Of(mails, "user"), m => Assert.Equal([UserEmail], m.To));
        Assert.All(Of(mails, "registry").Concat(Of(mails, "late")).Concat(Of(mails, "moved")), m => Assert.Equal([Operators], m.To));
        Assert.All(keys, k => Assert.All(Of(mails, k.Key), m => Assert.Contains($"Key id:  {k.Value.Id}", m.Text, StringComparison.Ordinal)));
        Assert.All(mails, m => Assert.DoesNotContain(keys.Values, k => m.Text.Contains(k.Token, StringComparison.Ordinal)));
        Assert.Contains(mails, m => m.Text.Contains($"/api/v1/apikeys/{keys["service"].Id}/rotate", StringComparison.Ordinal));

        // Audited whatever the mail did; the address is not in the log, only whose it was.
        Assert.Equal(["organization:0.001", "organization:0.0003"], await WarningsAuditedAsync(second, keys["service"].Id));
        Assert.Equal(["user:0.001", "user:0.0003"], await WarningsAuditedAsync(second, keys["user"].Id));
        Assert.Equal(["operations:0.001", "operations:0.0003"], await WarningsAuditedAsync(second, keys["registry"].Id));
        Assert.Equal(["operations:0.0003"], await WarningsAuditedAsync(second, keys["late"].Id));
        Assert.Equal(["operations:0.001", "operations:0.001"], await WarningsAuditedAsync(second, keys["moved"].Id));
        Assert.Empty(await WarningsAuditedAsync(second, keys["revoked"].Id));

        // The counter is the process's (both registries ran in this test process), like the mails it counts.
        var metrics = await second.MetricsClient.GetStringAsync("/metrics");
        Assert.Equal(5, Counted(metrics, Early, "sent"));
        Assert.Equal(4, Counted(metrics, Late, "sent"));
    }

    private static async Task<(string Id, string Token)> CreateKeyAsync(RegistryInstance registry, string name, DateTimeOffset expires, object? owner = null)
    {
        var created = await registry.JsonAsync(HttpMethod.Post, "/api/v1/apikeys",
            new { name, scopes = new[] { "modules:read" }, expires_at = expires, owner }, expectedStatus: 201);
        return (created.GetProperty("id").GetString()!, created.GetProperty("key").GetString()!);
    }

    private static IEnumerable<ReceivedMail> Of(ReceivedMail[] mails, string key) =>
        mails.Where(m => m.Subject.StartsWith($"API key '{key}' ", StringComparison.Ordinal));

    private static int Count(ReceivedMail[] mails, string key, string days) =>
        Of(mails, key).Count(m => m.Subject.EndsWith($" expires in {days} day(s)", StringComparison.Ordinal));

    private static async Task<JsonElement[]> AuditAsync(RegistryInstance registry, string action, string target) =>
        [.. (await registry.JsonAsync(HttpMethod.Get, $"/api/v1/audit?action={action}&target={target}")).GetProperty("entries").EnumerateArray()];

    /// <summary>"recipient_kind:days_before" of each warning audited for the key, oldest first.</summary>
    private static async Task<string[]> WarningsAuditedAsync(RegistryInstance registry, string keyId) =>
        [.. (await AuditAsync(registry, "apikey.expiry-warning", keyId)).Reverse().Select(e => e.GetProperty("details") is var d
            ? $"{d.GetProperty("recipient_kind").GetString()}:{d.GetProperty("days_before").GetDouble().ToString(CultureInfo.InvariantCulture)}"
            : "")];

    private static double Counted(string metrics, string days, string outcome)
    {
        var line = Regex.Match(metrics, $"^apikey_expiry_notifications_sent_total\\{{days_before=\"{Regex.Escape(days)}\",outcome=\"{outcome}\"\\}} (\\S+)$", RegexOptions.Multiline);
        Assert.True(line.Success, $"no apikey_expiry_notifications_sent_total for {days} days, {outcome}:\n{metrics}");
        return double.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static async Task WaitForMailsAsync(MailDevServer mail, Func<ReceivedMail[], bool> condition, string what)
    {
        ReceivedMail[] mails = [];
        await WaitUntilAsync(async () => condition(mails = await mail.MailsAsync()), what, () => string.Join("\n", mails.Select(m => $"{string.Join(",", m.To)}: {m.Subject}")));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, Func<string>? seen = null)
    {
        var deadline = DateTime.UtcNow + Lifetime + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"waited in vain for {what}\n{seen?.Invoke()}");
            await Task.Delay(250);
        }
    }
}
