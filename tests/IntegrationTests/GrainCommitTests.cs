using System.Collections.Concurrent;
using OrleansRegistry.ApiKeys;
using OrleansRegistry.Caching;
using OrleansRegistry.IntegrationTests.Infrastructure;
using OrleansRegistry.Terraform;

namespace OrleansRegistry.IntegrationTests;

/// <summary>
/// How grains commit a change, on the real silo wiring: the state write, then the frontends' documents and leases
/// dropped, then the read model and audit log (retried after a database error) — checked in the database itself.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class GrainCommitTests(PostgresServer postgres) : IAsyncLifetime
{
    private static readonly TimeSpan RetryDeadline = TimeSpan.FromSeconds(90);
    private GrainCluster _grains = null!;

    public async Task InitializeAsync() => _grains = await GrainCluster.StartAsync(postgres);

    public async Task DisposeAsync() => await _grains.DisposeAsync();

    [Fact]
    public async Task A_publish_is_in_the_read_model_and_audit_log_and_drops_frontend_documents_before_it_returns()
    {
        var module = _grains.Client.GetGrain<IModuleGrain>("acme/commit/aws");
        Assert.Equal(OutcomeCode.Created, (await module.Publish(await UploadAsync("1.0.0"))).Code);
        var holder = new DocumentHolder();
        var holderReference = _grains.SiloGrains(1).CreateObjectReference<IDocumentHolder>(holder);
        Assert.NotNull(await module.GetVersionsDocument(holderReference));
        Assert.Empty(holder.Dropped);

        Assert.Equal(OutcomeCode.Created, (await module.Publish(await UploadAsync("1.1.0"))).Code);

        Assert.Equal([module.GetGrainId()], holder.Dropped);
        Assert.Equal("1.1.0", await LatestModuleVersionAsync("acme", "commit", "aws"));
        Assert.Equal(1L, await AuditCountAsync("module.publish", "acme/commit/aws@1.1.0"));
        var document = await module.GetVersionsDocument(null);
        Assert.Contains("\"1.1.0\"", System.Text.Encoding.UTF8.GetString(document!.Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_model_write_that_fails_does_not_fail_the_publish_and_is_retried_until_it_succeeds()
    {
        await _grains.ExecuteAsync("ALTER TABLE registry_modules RENAME TO registry_modules_away");
        var module = _grains.Client.GetGrain<IModuleGrain>("acme/retry/aws");

        // The state goes to orleansstorage, which still works: the change is acknowledged and readable.
        Assert.Equal(OutcomeCode.Created, (await module.Publish(await UploadAsync("1.0.0"))).Code);
        Assert.Equal(["1.0.0"], (await module.GetDetails(null))!.Versions);
        Assert.Null(await _grains.QueryScalarAsync("SELECT latest_version FROM registry_modules_away WHERE name = 'retry'"));
        Assert.Equal(0L, await AuditCountAsync("module.publish", "acme/retry/aws@1.0.0"));

        await _grains.ExecuteAsync("ALTER TABLE registry_modules_away RENAME TO registry_modules");

        // The read model row and the audit entry are two follow-ups, done one after the other: wait for both.
        var deadline = DateTime.UtcNow + RetryDeadline;
        while ((await LatestModuleVersionAsync("acme", "retry", "aws") is null || await AuditCountAsync("module.publish", "acme/retry/aws@1.0.0") == 0)
            && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.Equal("1.0.0", await LatestModuleVersionAsync("acme", "retry", "aws"));
        Assert.Equal(1L, await AuditCountAsync("module.publish", "acme/retry/aws@1.0.0"));
    }

    [Fact]
    public async Task Revoking_a_key_drops_the_frontends_lease_before_it_answers()
    {
        var token = ApiKeyToken.Generate();
        var key = _grains.Client.GetGrain<IApiKeyGrain>(token.KeyId);
        var admin = new Actor("admin", "admin");
        Assert.NotNull(await key.Create(new ApiKeyCreate("ci", token.SecretHash(), [Scopes.ModulesWrite], null, null, admin)));
        var holder = new LeaseHolder();
        var holderReference = _grains.SiloGrains(1).CreateObjectReference<IApiKeyLeaseHolder>(holder);
        var lease = await key.Lease(new AuthLeaseRequest(token.SecretHash(), 10, 0, default, holderReference));
        Assert.Equal(AuthFailure.None, lease.Result.Failure);
        Assert.Empty(holder.Dropped);

        Assert.NotNull((await key.Revoke(admin))!.RevokedAt);

        Assert.Equal([token.KeyId], holder.Dropped);
        var afterRevoke = await key.Lease(new AuthLeaseRequest(token.SecretHash(), 1, 0, default, holderReference));
        Assert.Equal(AuthFailure.Revoked, afterRevoke.Result.Failure);
        Assert.NotNull(await _grains.QueryScalarAsync("SELECT revoked_at FROM registry_api_keys WHERE id = $1", token.KeyId));
        Assert.Equal(1L, await AuditCountAsync("apikey.revoke", token.KeyId));
    }

    private async Task<ModulePublish> UploadAsync(string version)
    {
        using var content = new MemoryStream(ModuleArchives.Greeting(version));
        var stored = await _grains.Store.WriteAsync($"modules/{Guid.NewGuid():N}.tar.gz", content, long.MaxValue, CancellationToken.None);
        return new ModulePublish(version, stored.Key, stored.Size, stored.Sha256, ArchiveFormat.TarGz, new Actor("test", "test"));
    }

    private async Task<string?> LatestModuleVersionAsync(string ns, string name, string system) =>
        (string?)await _grains.QueryScalarAsync("SELECT latest_version FROM registry_modules WHERE namespace = $1 AND name = $2 AND system = $3", ns, name, system);

    private async Task<long> AuditCountAsync(string action, string target) =>
        (long)(await _grains.QueryScalarAsync("SELECT count(*) FROM registry_audit WHERE action = $1 AND target = $2", action, target))!;

    /// <summary>A frontend's document cache, as the grains see it: it records which grains told it to drop documents.</summary>
    private sealed class DocumentHolder : IDocumentHolder
    {
        public ConcurrentQueue<GrainId> Dropped { get; } = new();

        public Task Drop(GrainId grain)
        {
            Dropped.Enqueue(grain);
            return Task.CompletedTask;
        }
    }

    /// <summary>A frontend's key leases, as the key grains see them: it records which keys it was told to drop.</summary>
    private sealed class LeaseHolder : IApiKeyLeaseHolder
    {
        public ConcurrentQueue<string> Dropped { get; } = new();

        public Task Drop(string keyId)
        {
            Dropped.Enqueue(keyId);
            return Task.CompletedTask;
        }
    }
}
