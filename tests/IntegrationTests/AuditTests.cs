using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrleansRegistry.Catalog;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests;

/// <summary>
/// The audit log as a security team reads it: filtered by actor, action (exact or prefix) and time, paged, with each
/// entry's details; namespace-limited readers still see only their namespaces; entries past the retention period are
/// deleted by the retention grain, which the silo starts and which records what it deleted.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AuditTests(PostgresServer postgres) : IAsyncLifetime
{
    private static readonly DateTimeOffset Base = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-1);
    private RegistryInstance _registry = null!;
    private string _database = "";

    public async Task InitializeAsync()
    {
        _database = await postgres.CreateDatabaseAsync();
        _registry = await RegistryInstance.StartAsync(_database);
    }

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    [Fact]
    public async Task Filters_by_actor_action_exact_and_prefix_and_time_combine_and_page()
    {
        var ids = await SeedAsync();

        Assert.Equal([ids[4], ids[1], ids[0]], await ListedAsync("actor=alice"));
        Assert.Equal([ids[3], ids[0]], await ListedAsync("action=apikey.create"));
        Assert.Equal([ids[3], ids[1], ids[0]], await ListedAsync("action=apikey.*"));
        Assert.Equal([ids[5]], await ListedAsync("action=auth.*"));
        Assert.Equal([ids[2], ids[1]], await ListedAsync($"since={At(1)}&until={At(3)}"));
        Assert.Equal([ids[5], ids[4], ids[3]], await ListedAsync($"since={At(3)}"));
        Assert.Equal([ids[1], ids[0]], await ListedAsync($"until={At(2)}"));
        Assert.Equal([ids[3]], await ListedAsync($"actor=bob&action=apikey.*&since={At(1)}"));
        Assert.Equal([ids[0]], await ListedAsync("actor=alice&action=apikey.create&target=k1"));
        Assert.Empty(await ListedAsync("actor=nobody"));

        var page = await _registry.JsonAsync(HttpMethod.Get, "/api/v1/audit?actor=alice&limit=2");
        Assert.Equal([ids[4], ids[1]], Ids(page));
        var next = page.GetProperty("next_before_id").GetInt64();
        Assert.Equal([ids[0]], await ListedAsync($"actor=alice&limit=2&before_id={next}"));

        var first = (await _registry.JsonAsync(HttpMethod.Get, $"/api/v1/audit?before_id={ids[0] + 1}&limit=1")).GetProperty("entries")[0];
        Assert.Equal(JsonValueKind.Object, first.GetProperty("details").ValueKind);
        Assert.Equal("team-a", first.GetProperty("details").GetProperty("namespaces")[0].GetString());
        Assert.False((await _registry.JsonAsync(HttpMethod.Get, $"/api/v1/audit?before_id={ids[1] + 1}&limit=1")).GetProperty("entries")[0].TryGetProperty("details", out _));
    }

    [Fact]
    public async Task A_namespace_limited_reader_sees_only_its_namespaces_entries_whatever_the_filters()
    {
        var ids = await SeedAsync();
        var acmeReader = await _registry.CreateKeyAsync(["audit:read"], ["acme"]);

        Assert.Equal([ids[2]], await ListedAsync("", acmeReader));
        Assert.Equal([ids[2]], await ListedAsync("actor=bob", acmeReader));
        // A refused key named like the namespace is no entry of the namespace.
        Assert.Empty(await ListedAsync("action=auth.*", acmeReader));
        Assert.Empty(await ListedAsync("action=apikey.*", acmeReader));
    }

    [Theory]
    [InlineData("actor=a%20b", "'actor'")]
    [InlineData("actor=", "'actor'")]
    [InlineData("action=*", "'action'")]
    [InlineData("action=api*key", "'action'")]
    [InlineData("action=apikey.%25", "'action'")]
    [InlineData("since=yesterday", "'since'")]
    [InlineData("since=2025-13-01T00:00:00Z", "'since'")]
    [InlineData("since=2025-01-01T00:00:00", "'since'")]
    [InlineData("until=2025-01-01T00:00:00+01:00", "'until'")] // '+' unencoded is a space in a query
    [InlineData("since=2025-01-02T00:00:00Z&until=2025-01-01T00:00:00Z", "'since' must be before 'until'")]
    [InlineData("before_id=x", "before_id")]
    [InlineData("limit=501", "'limit'")]
    public async Task Malformed_filters_are_400_naming_the_parameter(string query, string named)
    {
        var problem = await _registry.JsonAsync(HttpMethod.Get, $"/api/v1/audit?{query}", expectedStatus: 400);
        Assert.Contains(named, problem.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retention_deletes_entries_past_it_in_batches_keeps_the_rest_and_records_the_deletion()
    {
        // The silo started the retention grain, which registered its reminder.
        await WaitUntilAsync(async () => await ScalarAsync<long>("SELECT count(*) FROM orleansreminderstable WHERE grainid LIKE 'audit-retention/%'") == 1);

        var now = DateTimeOffset.UtcNow;
        await ExecuteAsync("""
            INSERT INTO registry_audit (at, actor_key_id, actor_name, action, target)
            SELECT $1::timestamptz - make_interval(secs => n), 'old', 'old', 'module.publish', 'acme/m/aws@1.0.' || n FROM generate_series(1, 25000) AS n
            """, now.AddDays(-366));
        await ExecuteAsync("INSERT INTO registry_audit (at, actor_key_id, actor_name, action, target) VALUES ($1, 'kept', 'kept', 'module.publish', 'acme/m/aws@2.0.0')", now.AddDays(-364));
        var before = await ScalarAsync<long>("SELECT count(*) FROM registry_audit");

        var retention = _registry.Services.GetRequiredService<IGrainFactory>().GetGrain<IAuditRetentionGrain>(0);
        Assert.Equal(25000, await retention.PurgeNow());

        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM registry_audit WHERE actor_key_id = 'old'"));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM registry_audit WHERE actor_key_id = 'kept'"));
        Assert.Equal(before - 25000 + 1, await ScalarAsync<long>("SELECT count(*) FROM registry_audit"));
        var recorded = Assert.Single((await _registry.JsonAsync(HttpMethod.Get, "/api/v1/audit?action=audit.retention")).GetProperty("entries").EnumerateArray());
        Assert.Equal("system", recorded.GetProperty("actor_key_id").GetString());
        Assert.Equal(25000, recorded.GetProperty("details").GetProperty("count").GetInt64());

        // Nothing more to delete: no second entry.
        Assert.Equal(0, await retention.PurgeNow());
        Assert.Single((await _registry.JsonAsync(HttpMethod.Get, "/api/v1/audit?action=audit.retention")).GetProperty("entries").EnumerateArray());
    }

    [Fact]
    public async Task Retention_of_zero_keeps_everything_and_needs_no_reminder()
    {
        await _registry.DisposeAsync();
        _registry = await RegistryInstance.StartAsync(_database, settings: new Dictionary<string, string?> { ["Registry:Audit:RetentionDays"] = "0" });
        await ExecuteAsync("INSERT INTO registry_audit (at, actor_key_id, actor_name, action, target) VALUES ($1, 'old', 'old', 'module.publish', 'acme/m/aws@1.0.0')", DateTimeOffset.UtcNow.AddYears(-20));

        var retention = _registry.Services.GetRequiredService<IGrainFactory>().GetGrain<IAuditRetentionGrain>(0);
        Assert.Equal(0, await retention.PurgeNow());
        await retention.Start();
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM registry_audit WHERE actor_key_id = 'old'"));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM orleansreminderstable WHERE grainid LIKE 'audit-retention/%'"));
    }

    /// <summary>Six entries a day apart from <see cref="Base"/>, oldest first, instead of all the log held; returns their ids.</summary>
    private async Task<long[]> SeedAsync()
    {
        await ExecuteAsync("DELETE FROM registry_audit");
        var rows = new (string Actor, string Action, string Target, string? Details)[]
        {
            ("alice", "apikey.create", "k1", """{"namespaces":["team-a"]}"""),
            ("alice", "apikey.revoke", "k1", null),
            ("bob", "module.publish", "acme/m/aws@1.0.0", null),
            ("bob", "apikey.create", "k2", null),
            ("alice", "apikeys.list", "k3", null),
            ("anonymous", "auth.failed", "acme", """{"reason":"unknown_key"}"""),
        };
        var ids = new long[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            ids[i] = await ScalarAsync<long>(
                "INSERT INTO registry_audit (at, actor_key_id, actor_name, action, target, details) VALUES ($1, $2, $2, $3, $4, $5::jsonb) RETURNING id",
                Base.AddHours(i), rows[i].Actor, rows[i].Action, rows[i].Target, (object?)rows[i].Details ?? DBNull.Value);
        }

        return ids;
    }

    private static string At(int hours) => Uri.EscapeDataString(Base.AddHours(hours).ToString("yyyy-MM-dd'T'HH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture));

    private async Task<long[]> ListedAsync(string query, string? key = null) =>
        Ids(await _registry.JsonAsync(HttpMethod.Get, $"/api/v1/audit?{query}", key: key));

    private static long[] Ids(JsonElement page) => [.. page.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("id").GetInt64())];

    private async Task ExecuteAsync(string sql, params object[] parameters) => await ScalarAsync<object>(sql, parameters);

    private async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 60 s");
            await Task.Delay(250);
        }
    }
}
