using System.Net;
using System.Text.Json;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests;

/// <summary>
/// PUT /api/v1/apikeys/{id} changes a key's scopes, namespaces and expiry (besides its name and rate limit). A change
/// binds the key's very next request, and no caller can make a key reach more than the caller itself holds. Rotation
/// gives a key a new secret, the old one working for a grace period.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ApiKeyChangesTests(PostgresServer postgres) : IAsyncLifetime
{
    private RegistryInstance _registry = null!;

    public async Task InitializeAsync()
    {
        _registry = await RegistryInstance.StartAsync(await postgres.CreateDatabaseAsync());
        foreach (var ns in new[] { "team-a", "team-b" })
        {
            await _registry.CreateNamespaceAsync(ns);
            using var published = await _registry.PublishModuleAsync(ns, "net", "aws", "1.0.0", ModuleArchives.Greeting("1.0.0"));
            Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        }
    }

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    [Fact]
    public async Task Scopes_namespaces_and_expiry_change_and_bind_the_next_request()
    {
        var (id, key) = await CreateAsync(new { name = "ci", scopes = new[] { "modules:read" } });
        Assert.Equal(["team-a", "team-b"], await ListedNamespacesAsync(key));

        var narrowed = await _registry.JsonAsync(HttpMethod.Put, $"/api/v1/apikeys/{id}", new { scopes = new[] { "providers:read" } });
        Assert.Equal(["providers:read"], narrowed.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        await _registry.JsonAsync(HttpMethod.Get, "/v1/modules", key: key, expectedStatus: 403);

        await _registry.JsonAsync(HttpMethod.Put, $"/api/v1/apikeys/{id}", new { scopes = new[] { "modules:read" }, namespaces = new[] { "Team-A" } });
        Assert.Equal(["team-a"], await ListedNamespacesAsync(key));

        var expires = DateTimeOffset.UtcNow.AddDays(3);
        var dated = await _registry.JsonAsync(HttpMethod.Put, $"/api/v1/apikeys/{id}", new { expires_at = expires });
        Assert.Equal(expires.ToUnixTimeSeconds(), dated.GetProperty("expires_at").GetDateTimeOffset().ToUnixTimeSeconds());
        Assert.Equal(["team-a"], dated.GetProperty("namespaces").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(["team-a"], await ListedNamespacesAsync(key));

        await _registry.JsonAsync(HttpMethod.Put, $"/api/v1/apikeys/{id}", new { expires_at = DateTimeOffset.UtcNow.AddMinutes(-1) }, expectedStatus: 400);
        await _registry.JsonAsync(HttpMethod.Put, $"/api/v1/apikeys/{id}", new { scopes = Array.Empty<string>() }, expectedStatus: 400);
        await _registry.JsonAsync(HttpMethod.Put, $"/api/v1/apikeys/{id}", new { scopes = new[] { "modules:fly" } }, expectedStatus: 400);
        await _registry.JsonAsync(HttpMethod.Put, $"/api/v1/apikeys/{id}", new { namespaces = new[] { "not a namespace" } }, expectedStatus: 400);

        var audit = await _registry.JsonAsync(HttpMethod.Get, "/api/v1/audit");
        Assert.True(audit.ToString().Split("apikey.update").Length - 1 >= 3, audit.ToString());
    }

    [Fact]
    public async Task No_caller_makes_a_key_reach_more_than_it_holds()
    {
        var (_, manager) = await CreateAsync(new { name = "manager", scopes = new[] { "api_keys:manage", "modules:read" } });
        var (target, _) = await CreateAsync(new { name = "target", scopes = new[] { "modules:read" } }, manager);
        var refused = await _registry.JsonAsync(HttpMethod.Put, $"/api/v1/apikeys/{target}", new { scopes = new[] { "modules:read", "providers:read" } }, key: manager, expectedStatus: 403);
        Assert.Contains("providers:read", refused.GetProperty("error").GetString(), StringComparison.Ordinal);
        await _registry.JsonAsync(HttpMethod.Put, $"/api/v1/apikeys/{target}", new { scopes = new[] { "admin" } }, key: manager, expectedStatus: 403);

        var (_, limited) = await CreateAsync(new { name = "team-a admin", scopes = new[] { "api_keys:manage", "modules:read" }, namespaces = new[] { "team-a" } });
        var (child, _) = await CreateAsync(new { name = "team-a ci", scopes = new[] { "modules:read" }, namespaces = new[] { "team-a" } }, limited);
        await _registry.JsonAsync(HttpMethod.Put, $"/api/v1/apikeys/{child}", new { namespaces = new[] { "team-a", "team-b" } }, key: limited, expectedStatus: 403);
        await _registry.JsonAsync(HttpMethod.Put, $"/api/v1/apikeys/{child}", new { namespaces = new[] { "team-a" }, name = "renamed" }, key: limited);
        await _registry.JsonAsync(HttpMethod.Put, $"/api/v1/apikeys/{target}", new { name = "not mine" }, key: limited, expectedStatus: 403);
    }

    [Fact]
    public async Task A_rotated_key_takes_a_new_secret_and_the_old_one_works_for_the_grace_period_only()
    {
        var (id, first) = await CreateAsync(new { name = "rotating", scopes = new[] { "modules:read" } });
        await _registry.JsonAsync(HttpMethod.Get, "/v1/modules", key: first);

        var rotated = await _registry.JsonAsync(HttpMethod.Post, $"/api/v1/apikeys/{id}/rotate", new { grace_period_hours = 24 });
        var second = rotated.GetProperty("key").GetString()!;
        Assert.StartsWith($"reg_{id}_", second, StringComparison.Ordinal);
        Assert.NotEqual(first, second);
        var graceEnd = rotated.GetProperty("previous_secret_valid_until").GetDateTimeOffset();
        Assert.InRange(graceEnd, DateTimeOffset.UtcNow.AddHours(23), DateTimeOffset.UtcNow.AddHours(25));
        await _registry.JsonAsync(HttpMethod.Get, "/v1/modules", key: second);
        await _registry.JsonAsync(HttpMethod.Get, "/v1/modules", key: first);
        Assert.Equal(graceEnd, (await _registry.JsonAsync(HttpMethod.Get, $"/api/v1/apikeys/{id}")).GetProperty("previous_secret_valid_until").GetDateTimeOffset());

        // Without a grace period the secret before stops at once, and the one before that is long gone.
        var third = (await _registry.JsonAsync(HttpMethod.Post, $"/api/v1/apikeys/{id}/rotate", new { grace_period_hours = 0 })).GetProperty("key").GetString()!;
        await _registry.JsonAsync(HttpMethod.Get, "/v1/modules", key: third);
        await _registry.JsonAsync(HttpMethod.Get, "/v1/modules", key: second, expectedStatus: 401);
        await _registry.JsonAsync(HttpMethod.Get, "/v1/modules", key: first, expectedStatus: 401);

        await _registry.JsonAsync(HttpMethod.Post, $"/api/v1/apikeys/{id}/rotate", new { grace_period_hours = 73 }, expectedStatus: 400);
        await _registry.JsonAsync(HttpMethod.Post, $"/api/v1/apikeys/{id}/rotate", new { }, expectedStatus: 400);
        await _registry.JsonAsync(HttpMethod.Post, "/api/v1/apikeys/nosuchkey/rotate", new { grace_period_hours = 1 }, expectedStatus: 404);
        await _registry.JsonAsync(HttpMethod.Delete, $"/api/v1/apikeys/{id}");
        await _registry.JsonAsync(HttpMethod.Post, $"/api/v1/apikeys/{id}/rotate", new { grace_period_hours = 1 }, expectedStatus: 409);
        var (_, limited) = await CreateAsync(new { name = "team-a admin", scopes = new[] { "api_keys:manage" }, namespaces = new[] { "team-a" } });
        var (other, _) = await CreateAsync(new { name = "everywhere", scopes = new[] { "modules:read" } });
        await _registry.JsonAsync(HttpMethod.Post, $"/api/v1/apikeys/{other}/rotate", new { grace_period_hours = 1 }, key: limited, expectedStatus: 403);
    }

    [Fact]
    public async Task A_used_key_shows_when_it_was_last_used_in_the_listing()
    {
        var (id, key) = await CreateAsync(new { name = "used", scopes = new[] { "modules:read" } });
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await _registry.JsonAsync(HttpMethod.Get, "/v1/modules", key: key);
        Assert.True((await _registry.JsonAsync(HttpMethod.Get, $"/api/v1/apikeys/{id}")).GetProperty("last_used_at").GetDateTimeOffset() >= before);

        // The listing's row follows within the grain's flush delay (30 s): last use is written that lazily.
        for (var attempt = 0; ; attempt++)
        {
            var listed = (await _registry.JsonAsync(HttpMethod.Get, "/api/v1/apikeys")).GetProperty("api_keys").EnumerateArray().Single(k => k.GetProperty("id").GetString() == id);
            if (listed.TryGetProperty("last_used_at", out var at))
            {
                Assert.True(at.GetDateTimeOffset() >= before);
                break;
            }

            Assert.True(attempt < 120, "the listing never showed the key's last use");
            await Task.Delay(500);
        }
    }

    private async Task<(string Id, string Key)> CreateAsync(object body, string? by = null)
    {
        var created = await _registry.JsonAsync(HttpMethod.Post, "/api/v1/apikeys", body, key: by, expectedStatus: 201);
        return (created.GetProperty("id").GetString()!, created.GetProperty("key").GetString()!);
    }

    private async Task<string[]> ListedNamespacesAsync(string key)
    {
        var listing = await _registry.JsonAsync(HttpMethod.Get, "/v1/modules", key: key);
        return [.. listing.GetProperty("modules").EnumerateArray().Select(m => m.GetProperty("namespace").GetString()!).Distinct().Order(StringComparer.Ordinal)];
    }
}
