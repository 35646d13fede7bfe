using OrleansRegistry.ApiKeys;
using OrleansRegistry.Namespaces;

namespace OrleansRegistry.Catalog;

/// <summary>A listing/search query over the read model. <see cref="AllowedNamespaces"/> null = no restriction.</summary>
[GenerateSerializer, Immutable, Alias("module-query")]
public sealed record ModuleQuery(
    [property: Id(0)] string? Namespace,
    [property: Id(1)] string? Search,
    [property: Id(2)] string? System,
    [property: Id(3)] string[]? AllowedNamespaces,
    [property: Id(4)] int Offset,
    [property: Id(5)] int Limit);

[GenerateSerializer, Immutable, Alias("module-summary")]
public sealed record ModuleSummary(
    [property: Id(0)] string Namespace,
    [property: Id(1)] string Name,
    [property: Id(2)] string System,
    [property: Id(3)] string LatestVersion,
    [property: Id(4)] string? Description,
    [property: Id(5)] DateTimeOffset PublishedAt,
    [property: Id(6)] long Downloads);

/// <summary>Providers of a namespace (all when null), uploaded or mirrored, one row per namespace/type.</summary>
[GenerateSerializer, Immutable, Alias("provider-query")]
public sealed record ProviderQuery(
    [property: Id(0)] string? Namespace,
    [property: Id(1)] string[]? AllowedNamespaces,
    [property: Id(2)] int Offset,
    [property: Id(3)] int Limit);

[GenerateSerializer, Immutable, Alias("provider-summary")]
public sealed record ProviderSummary(
    [property: Id(0)] string Namespace,
    [property: Id(1)] string Type,
    [property: Id(2)] string LatestVersion,
    [property: Id(3)] DateTimeOffset PublishedAt);

[GenerateSerializer, Immutable, Alias("provider-page")]
public sealed record ProviderPage(
    [property: Id(0)] ProviderSummary[] Providers,
    [property: Id(1)] bool HasMore);

[GenerateSerializer, Immutable, Alias("module-page")]
public sealed record ModulePage(
    [property: Id(0)] ModuleSummary[] Modules,
    [property: Id(1)] bool HasMore);

/// <summary>One audit entry; <see cref="Details"/> is its JSON details object as text, or null.</summary>
[GenerateSerializer, Immutable, Alias("audit-entry")]
public sealed record AuditEntry(
    [property: Id(0)] long Id,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string ActorKeyId,
    [property: Id(3)] string ActorName,
    [property: Id(4)] string Action,
    [property: Id(5)] string Target,
    [property: Id(6)] string? Details = null);

/// <summary>
/// Newest first; <see cref="BeforeId"/> pages backwards; namespaces limit targets to those namespaces. The other
/// filters are optional: <see cref="Actor"/> a key id, <see cref="Action"/> exact or (<see cref="ActionIsPrefix"/>)
/// the start of one, <see cref="Since"/> inclusive and <see cref="Until"/> exclusive.
/// </summary>
[GenerateSerializer, Immutable, Alias("audit-query")]
public sealed record AuditQuery(
    [property: Id(0)] string? Target,
    [property: Id(1)] long? BeforeId,
    [property: Id(2)] int Limit,
    [property: Id(3)] string[]? AllowedNamespaces,
    [property: Id(4)] string? Actor = null,
    [property: Id(5)] string? Action = null,
    [property: Id(6)] bool ActionIsPrefix = false,
    [property: Id(7)] DateTimeOffset? Since = null,
    [property: Id(8)] DateTimeOffset? Until = null,
    [property: Id(9)] string? Organization = null,
    [property: Id(10)] string[]? PackagePatterns = null);

[GenerateSerializer, Immutable, Alias("composer-package-summary")]
public sealed record ComposerPackageSummary(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Description,
    [property: Id(2)] string? Abandoned,
    [property: Id(3)] long Installs);

/// <summary>Packages a key may see, and when the newest of them changed (for Last-Modified).</summary>
[GenerateSerializer, Immutable, Alias("composer-package-list")]
public sealed record ComposerPackageList(
    [property: Id(0)] ComposerPackageSummary[] Packages,
    [property: Id(1)] DateTimeOffset? LastModified);

/// <summary>Read-side queries over the PostgreSQL read model (never over grain state).</summary>
/// <summary>A page of the namespaces a key may see (<see cref="AllowedNamespaces"/> null: every namespace), by name.</summary>
[GenerateSerializer, Immutable, Alias("namespace-query")]
public sealed record NamespaceQuery(
    [property: Id(0)] string[]? AllowedNamespaces,
    [property: Id(1)] int Offset,
    [property: Id(2)] int Limit);

[GenerateSerializer, Immutable, Alias("namespace-page")]
public sealed record NamespacePage(
    [property: Id(0)] Namespaces.NamespaceView[] Namespaces,
    [property: Id(1)] bool HasMore);

/// <summary>
/// A page of the keys a manager may manage, oldest first: with <see cref="ManagerNamespaces"/> set, only keys limited to
/// some of those namespaces; with <see cref="ManagerPackagePatterns"/> set, only keys limited to patterns within those.
/// </summary>
[GenerateSerializer, Immutable, Alias("api-key-query")]
public sealed record ApiKeyQuery(
    [property: Id(0)] string[]? ManagerNamespaces,
    [property: Id(1)] int Offset,
    [property: Id(2)] int Limit,
    [property: Id(3)] string[]? ManagerPackagePatterns = null,
    [property: Id(4)] string? Organization = null,
    [property: Id(5)] Organizations.KeyOwner? Owner = null);

[GenerateSerializer, Immutable, Alias("api-key-page")]
public sealed record ApiKeyPage(
    [property: Id(0)] ApiKeys.ApiKeyView[] Keys,
    [property: Id(1)] bool HasMore);

[Alias("catalog")]
public interface ICatalogGrain : IGrainWithIntegerKey
{
    [Alias("modules")]
    Task<ModulePage> ListModules(ModuleQuery query);

    [Alias("list-providers")]
    Task<ProviderPage> ListProviders(ProviderQuery query);

    [Alias("namespace-page")]
    Task<NamespacePage> ListNamespaces(NamespaceQuery query);

    [Alias("api-key-page")]
    Task<ApiKeyPage> ListApiKeys(ApiKeyQuery query);

    /// <summary>Organizations by name; <paramref name="only"/> (the caller's own) limits the page to that one.</summary>
    [Alias("organization-page")]
    Task<Organizations.OrganizationPage> ListOrganizations(string? only, int offset, int limit);

    /// <summary>The organizations a user or service account is a member of, by name.</summary>
    [Alias("memberships")]
    Task<Organizations.MembershipView[]> ListMemberships(Organizations.MemberKind kind, string id);

    /// <summary>People who signed in, oldest first; <paramref name="email"/> narrows to one address.</summary>
    [Alias("users")]
    Task<Users.UserPage> ListUsers(string? email, int offset, int limit);

    [Alias("audit")]
    Task<AuditEntry[]> ListAudit(AuditQuery query);

    /// <summary>The web UI's search over every kind of package, within the caller's reach.</summary>
    [Alias("search")]
    Task<CatalogResults> Search(CatalogSearch search);

    /// <summary>
    /// Composer packages of <paramref name="allowedVendors"/> matching one of <paramref name="packagePatterns"/> (null =
    /// all; a key's <see cref="ApiKeys.PackageGrants"/> globs), filtered by a SQL ILIKE pattern.
    /// </summary>
    [Alias("composer-packages")]
    Task<ComposerPackageList> ListComposerPackages(string[]? allowedVendors, string? pattern, int limit, string[]? packagePatterns = null);
}
