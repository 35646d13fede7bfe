using Orleans.Concurrency;
using OrleansRegistry.ApiKeys;
using OrleansRegistry.Namespaces;

namespace OrleansRegistry.Catalog;

/// <summary>Answers listing and search from the read model; stateless, so it scales out on every silo.</summary>
[StatelessWorker, GrainType("catalog")]
public sealed class CatalogGrain(RegistryIndex index) : Grain, ICatalogGrain
{
    public Task<ModulePage> ListModules(ModuleQuery query) => index.ListModulesAsync(query);

    public Task<ProviderPage> ListProviders(ProviderQuery query) => index.ListProvidersAsync(query);

    public Task<NamespacePage> ListNamespaces(NamespaceQuery query) => index.ListNamespacesAsync(query);

    public Task<ApiKeyPage> ListApiKeys(ApiKeyQuery query) => index.ListApiKeysAsync(query);

    public Task<AuditEntry[]> ListAudit(AuditQuery query) => index.ListAuditAsync(query);

    public Task<ComposerPackageList> ListComposerPackages(string[]? allowedVendors, string? pattern, int limit) =>
        index.ListComposerPackagesAsync(allowedVendors, pattern, limit);
}
