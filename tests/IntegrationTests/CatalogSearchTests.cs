using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrleansRegistry.Catalog;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests;

/// <summary>
/// The web UI's one search over the read model: modules, providers and Composer packages in one page by name, each
/// kind within its own reach, mirrored copies of a provider folded into one entry, and a total for paging.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CatalogSearchTests(PostgresServer postgres) : IAsyncLifetime
{
    private RegistryInstance _registry = null!;
    private ICatalogGrain _catalog = null!;

    public async Task InitializeAsync()
    {
        var database = await postgres.CreateDatabaseAsync();
        _registry = await RegistryInstance.StartAsync(database);
        _catalog = _registry.Services.GetRequiredService<IGrainFactory>().GetGrain<ICatalogGrain>(0);
        foreach (var ns in new[] { "acme", "other" })
        {
            await _registry.CreateNamespaceAsync(ns);
        }

        foreach (var (ns, name, system, readme) in new[] { ("acme", "network", "aws", "VPC and subnets."), ("acme", "storage", "aws", "Buckets."), ("other", "network", "gcp", "A Google network.") })
        {
            var archive = ModuleArchives.TarGz(new Dictionary<string, string> { ["main.tf"] = "variable \"x\" {}\n", ["README.md"] = $"# {name}\n\n{readme}\n" });
            using var published = await _registry.PublishModuleAsync(ns, name, system, "1.0.0", archive);
            Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        }

        foreach (var package in new[] { "acme/billing-core", "acme/network-tools", "other/lib" })
        {
            using var published = await _registry.PublishComposerAsync(ComposerCli.PackageZip(package, version: "1.0.0"));
            Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        }

        // Provider rows as publishing and a mirror write them (both kinds are published end to end in the provider
        // tests): acme/network uploaded here and also mirrored, hashicorp/aws only mirrored.
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand("""
            INSERT INTO registry_providers (hostname, namespace, type, latest_version, versions, published_at) VALUES
              ('', 'acme', 'network', '2.0.0', '{2.0.0}', now()),
              ('registry.terraform.io', 'acme', 'network', '1.0.0', '{1.0.0}', now()),
              ('registry.terraform.io', 'hashicorp', 'aws', '5.0.0', '{5.0.0}', now())
            """, connection);
        await insert.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    private static CatalogSearch Everything(string? text = null, PackageKind? kind = null, string? ns = null, int offset = 0, int limit = 25) =>
        new(text, kind, ns, null, null, null, null, offset, limit);

    [Fact]
    public async Task One_search_finds_every_kind_by_name_or_description_in_byte_order_of_names()
    {
        var network = await _catalog.Search(Everything("network"));
        Assert.Equal(
            ["provider acme/network", "composer acme/network-tools", "module acme/network/aws", "module other/network/gcp"],
            network.Entries.Select(e => $"{e.Kind.ToString().ToLowerInvariant()} {e.Namespace}/{e.Name}"));
        Assert.Equal(4, network.Total);

        // A description matches too, case-insensitively; LIKE's wildcards are plain characters.
        Assert.Equal(["acme/network/aws"], (await _catalog.Search(Everything("SUBNETS"))).Entries.Select(e => $"{e.Namespace}/{e.Name}"));
        Assert.Empty((await _catalog.Search(Everything("net%work"))).Entries);
    }

    [Fact]
    public async Task A_provider_published_here_and_mirrored_is_one_entry_and_the_upload_wins()
    {
        var providers = await _catalog.Search(Everything(kind: PackageKind.Provider));
        Assert.Equal(["acme/network 2.0.0 here", "hashicorp/aws 5.0.0 registry.terraform.io"],
            providers.Entries.Select(e => $"{e.Namespace}/{e.Name} {e.LatestVersion} {e.Origin ?? "here"}"));
    }

    [Fact]
    public async Task Each_kind_is_limited_to_the_callers_reach_and_an_empty_reach_leaves_the_kind_out()
    {
        // Modules of acme only, no providers at all, Composer packages of acme matching billing-*.
        var limited = await _catalog.Search(new CatalogSearch(null, null, null, ["acme"], [], ["acme", "other"], ["acme/billing-*"], 0, 25));
        Assert.Equal(["Composer acme/billing-core", "Module acme/network/aws", "Module acme/storage/aws"],
            limited.Entries.Select(e => $"{e.Kind} {e.Namespace}/{e.Name}"));
        Assert.Equal(3, limited.Total);
    }

    [Fact]
    public async Task Pages_carry_the_total_and_a_page_past_the_end_still_counts()
    {
        var all = await _catalog.Search(Everything(limit: 100));
        Assert.Equal(8, all.Total); // 3 modules, 2 providers, 3 Composer packages

        var second = await _catalog.Search(Everything(offset: 3, limit: 3));
        Assert.Equal(all.Entries.Skip(3).Take(3), second.Entries);
        Assert.Equal(8, second.Total);

        var past = await _catalog.Search(Everything(offset: 50, limit: 3));
        Assert.Empty(past.Entries);
        Assert.Equal(8, past.Total);

        Assert.Equal(["other/lib", "other/network/gcp"], (await _catalog.Search(Everything(ns: "other"))).Entries.Select(e => $"{e.Namespace}/{e.Name}"));
    }
}
