using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrleansRegistry.Catalog;
using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests;

/// <summary>
/// The web UI's one search over the read model: modules, providers and Composer packages in one page by name, each
/// kind within its own reach, mirrored copies of a provider folded into one entry, and a total, and pages that follow each other by keyset.
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

        // acme/network is also a provider's name: the two are told apart by kind, the provider first.
        foreach (var package in new[] { "acme/billing-core", "acme/network", "acme/network-tools", "other/lib" })
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

    private static CatalogSearch Everything(string? text = null, PackageKind? kind = null, string? ns = null, CatalogCursor? cursor = null, int limit = 25) =>
        new(text, kind, ns, null, null, null, null, cursor, limit);

    private static CatalogCursor After(CatalogEntry entry) => new(entry.Kind, entry.Namespace, entry.Name);

    private static CatalogCursor Before(CatalogEntry entry) => new(entry.Kind, entry.Namespace, entry.Name, Before: true);

    [Fact]
    public async Task One_search_finds_every_kind_by_name_or_description_in_byte_order_of_names()
    {
        var network = await _catalog.Search(Everything("network"));
        Assert.Equal(
            ["provider acme/network", "composer acme/network", "composer acme/network-tools", "module acme/network/aws", "module other/network/gcp"],
            network.Entries.Select(e => $"{e.Kind.ToString().ToLowerInvariant()} {e.Namespace}/{e.Name}"));
        Assert.Equal(5, network.Total);
        Assert.False(network.HasPrevious);
        Assert.False(network.HasNext);

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
        var limited = await _catalog.Search(new CatalogSearch(null, null, null, ["acme"], [], ["acme", "other"], ["acme/billing-*"], null, 25));
        Assert.Equal(["Composer acme/billing-core", "Module acme/network/aws", "Module acme/storage/aws"],
            limited.Entries.Select(e => $"{e.Kind} {e.Namespace}/{e.Name}"));
        Assert.Equal(3, limited.Total);
    }

    [Fact]
    public async Task Pages_follow_each_other_both_ways_and_carry_the_total()
    {
        var all = (await _catalog.Search(Everything(limit: 100))).Entries;
        Assert.Equal(9, all.Length); // 3 modules, 2 providers, 4 Composer packages

        // Page by page forwards, two at a time: every entry once, in order, the provider and the Composer package
        // of the same name included; the last page says nothing follows.
        var pages = new List<CatalogResults> { await _catalog.Search(Everything(limit: 2)) };
        while (pages[^1].HasNext)
        {
            pages.Add(await _catalog.Search(Everything(cursor: After(pages[^1].Entries[^1]), limit: 2)));
        }

        Assert.Equal(all, pages.SelectMany(p => p.Entries));
        Assert.Equal(5, pages.Count);
        Assert.All(pages, p => Assert.Equal(9, p.Total));
        Assert.False(pages[0].HasPrevious);
        Assert.All(pages.Skip(1), p => Assert.True(p.HasPrevious));

        // And backwards from the last page: the same pages, but the first is full and says nothing lies before it.
        var back = new List<CatalogResults> { pages[^1] };
        while (back[^1].HasPrevious)
        {
            back.Add(await _catalog.Search(Everything(cursor: Before(back[^1].Entries[0]), limit: 2)));
        }

        Assert.Equal(all, back.AsEnumerable().Reverse().SelectMany(p => p.Entries));
        Assert.All(back.Skip(1), p => Assert.True(p.HasNext));

        // A cursor of an entry that has gone still places the page; past the end there is nothing.
        var gone = await _catalog.Search(Everything(cursor: new CatalogCursor(PackageKind.Module, "acme", "network/azurerm"), limit: 100));
        Assert.Equal(all.SkipWhile(e => e.Name != "storage/aws"), gone.Entries);
        var beforeAll = await _catalog.Search(Everything(cursor: new CatalogCursor(PackageKind.Module, "!", "x", Before: true), limit: 2));
        Assert.Equal(all.Take(2), beforeAll.Entries); // nothing before it: the first page
        Assert.False(beforeAll.HasPrevious);
        Assert.True(beforeAll.HasNext);
        var past = await _catalog.Search(Everything(cursor: After(all[^1])));
        Assert.Empty(past.Entries);
        Assert.Equal(9, past.Total);
        Assert.False(past.HasNext);

        Assert.Equal(["other/lib", "other/network/gcp"], (await _catalog.Search(Everything(ns: "other"))).Entries.Select(e => $"{e.Namespace}/{e.Name}"));
    }
}
