using Orleans.Concurrency;
using OrleansRegistry.ApiKeys;
using OrleansRegistry.Namespaces;

namespace OrleansRegistry.Catalog;

/// <summary>Answers listing and search from the read model; stateless, so it scales out on every silo.</summary>
[StatelessWorker, GrainType("catalog")]
public sealed class CatalogGrain(ReadModelQueries queries, OrganizationReadModel organizations, AuditLog audit, CatalogSearchQuery catalogSearch) : Grain, ICatalogGrain
{
    public Task<ModulePage> ListModules(ModuleQuery query) => queries.ListModulesAsync(query);

    public Task<ProviderPage> ListProviders(ProviderQuery query) => queries.ListProvidersAsync(query);

    public Task<NamespacePage> ListNamespaces(NamespaceQuery query) => queries.ListNamespacesAsync(query);

    public Task<ApiKeyPage> ListApiKeys(ApiKeyQuery query) => queries.ListApiKeysAsync(query);

    public Task<Organizations.OrganizationPage> ListOrganizations(string? only, int offset, int limit) => organizations.ListAsync(only, offset, limit);

    public Task<Organizations.MembershipView[]> ListMemberships(Organizations.MemberKind kind, string id) => organizations.MembershipsAsync(kind, id);

    public Task<CatalogResults> Search(CatalogSearch search) => catalogSearch.SearchAsync(search);

    public Task<Users.UserPage> ListUsers(string? email, int offset, int limit) => organizations.ListUsersAsync(email, offset, limit);

    public Task<AuditEntry[]> ListAudit(AuditQuery query) => audit.ListAsync(query);

    public Task<ComposerPackageList> ListComposerPackages(string[]? allowedVendors, string? pattern, int limit, string[]? packagePatterns = null) =>
        queries.ListComposerPackagesAsync(allowedVendors, pattern, limit, packagePatterns);
}
