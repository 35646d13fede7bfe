using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrleansRegistry.IntegrationTests.Infrastructure;
using OrleansRegistry.WebFrontend.Audit;

namespace OrleansRegistry.IntegrationTests;

/// <summary>
/// Refused API keys are audited as <c>auth.failed</c> with the reason, the client's address and the path, never the
/// secret; missing keys and spent rate limits are not failures of a key. A flood of bad keys writes at most the
/// per-minute limit and one <c>auth.failed.suppressed</c> count for the rest.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AuthFailureAuditTests(PostgresServer postgres) : IAsyncLifetime
{
    private const int PerMinute = 10;
    private RegistryInstance _registry = null!;
    private string _database = "";

    public async Task InitializeAsync()
    {
        _database = await postgres.CreateDatabaseAsync();
        _registry = await RegistryInstance.StartAsync(_database, settings: new Dictionary<string, string?> { ["Registry:Audit:AuthFailuresPerMinute"] = $"{PerMinute}" });
    }

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    [Fact]
    public async Task Each_kind_of_refused_key_is_an_entry_with_its_reason_and_no_secret()
    {
        var (id, key) = await CreateAsync(new { name = "real", scopes = new[] { "modules:read" } });
        var (revokedId, revoked) = await CreateAsync(new { name = "revoked", scopes = new[] { "modules:read" } });
        await _registry.JsonAsync(HttpMethod.Delete, $"/api/v1/apikeys/{revokedId}");
        var (expiredId, expired) = await CreateAsync(new { name = "short", scopes = new[] { "modules:read" }, expires_at = DateTimeOffset.UtcNow.AddSeconds(2) });
        var (limitedId, limited) = await CreateAsync(new { name = "limited", scopes = new[] { "modules:read" }, rate_limit_per_hour = 1 });
        await _registry.JsonAsync(HttpMethod.Get, "/v1/modules", key: limited);
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        const string unknownSecret = "UnknownSecret0123456789";
        var wrongSecret = key[..(key.LastIndexOf('_') + 1)] + "WrongSecret0123456789";
        var presented = new[] { $"reg_nosuchkey_{unknownSecret}", wrongSecret, revoked, expired, "reg_x" };
        foreach (var bad in presented)
        {
            await _registry.JsonAsync(HttpMethod.Get, "/v1/modules", key: bad, expectedStatus: 401);
        }

        // Neither a missing key nor a spent rate limit is a refused key.
        using (var anonymous = await _registry.SendAsync(HttpMethod.Get, "/v1/modules", key: ""))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        await _registry.JsonAsync(HttpMethod.Get, "/v1/modules", key: limited, expectedStatus: 429);
        await _registry.Services.GetRequiredService<AuthFailureAudit>().FlushAsync();

        var entries = (await _registry.JsonAsync(HttpMethod.Get, "/api/v1/audit?action=auth.failed")).GetProperty("entries").EnumerateArray().Reverse().ToList();
        Assert.Equal(["nosuchkey", id, revokedId, expiredId, "-"], entries.Select(e => e.GetProperty("target").GetString()));
        Assert.Equal(["unknown_key", "wrong_secret", "revoked", "expired", "malformed"], entries.Select(e => e.GetProperty("details").GetProperty("reason").GetString()));
        Assert.All(entries, e =>
        {
            Assert.Equal("anonymous", e.GetProperty("actor_key_id").GetString());
            Assert.Equal("127.0.0.1", e.GetProperty("details").GetProperty("client_ip").GetString());
            Assert.Equal("/v1/modules", e.GetProperty("details").GetProperty("path").GetString());
        });
        Assert.DoesNotContain(entries, e => e.GetProperty("target").GetString() == limitedId);

        var everything = await ScalarAsync<string>("SELECT string_agg(concat_ws(' ', actor_key_id, actor_name, action, target, details::text), E'\\n') FROM registry_audit");
        foreach (var secret in new[] { unknownSecret, "WrongSecret0123456789", key.Split('_')[2], revoked.Split('_')[2], expired.Split('_')[2] })
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_flood_of_bad_keys_writes_at_most_the_limit_per_minute_and_counts_the_rest()
    {
        const int flood = 500;
        await Parallel.ForEachAsync(Enumerable.Range(0, flood), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/modules");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", $"reg_flood{i % 7}_NotTheSecret{i:D12}");
            using var response = await _registry.Client.SendAsync(request, ct);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        });
        await _registry.Services.GetRequiredService<AuthFailureAudit>().FlushAsync();

        var recorded = await RowsAsync("SELECT at, target FROM registry_audit WHERE action = 'auth.failed'");
        var summaries = await RowsAsync("SELECT at, details::text FROM registry_audit WHERE action = 'auth.failed.suppressed'");
        var minutes = recorded.GroupBy(r => r.At.UtcTicks / TimeSpan.TicksPerMinute).ToList();
        Assert.All(minutes, m => Assert.True(m.Count() <= PerMinute, $"{m.Count()} entries in one minute"));
        Assert.True(summaries.Count <= minutes.Count + 1, $"{summaries.Count} summaries for {minutes.Count} minutes");
        var suppressed = summaries.Sum(s => JsonDocument.Parse(s.Text).RootElement.GetProperty("count").GetInt64());
        Assert.Equal(flood, recorded.Count + suppressed);
        Assert.All(recorded, r => Assert.StartsWith("flood", r.Text, StringComparison.Ordinal));

        var suppressedListed = (await _registry.JsonAsync(HttpMethod.Get, "/api/v1/audit?action=auth.failed.*")).GetProperty("entries");
        Assert.Equal(summaries.Count, suppressedListed.GetArrayLength());
        var metrics = await _registry.MetricsClient.GetStringAsync("/metrics");
        Assert.Contains("audit_auth_failures_total{outcome=\"suppressed\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("audit_auth_failures_total{outcome=\"dropped\"}", metrics, StringComparison.Ordinal);
    }

    private async Task<(string Id, string Key)> CreateAsync(object body)
    {
        var created = await _registry.JsonAsync(HttpMethod.Post, "/api/v1/apikeys", body, expectedStatus: 201);
        return (created.GetProperty("id").GetString()!, created.GetProperty("key").GetString()!);
    }

    private async Task<List<(DateTimeOffset At, string Text)>> RowsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(DateTimeOffset, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1)));
        }

        return rows;
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
