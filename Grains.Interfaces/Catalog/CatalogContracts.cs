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

[GenerateSerializer, Immutable, Alias("module-page")]
public sealed record ModulePage(
    [property: Id(0)] ModuleSummary[] Modules,
    [property: Id(1)] bool HasMore);

/// <summary>Read-side queries over the PostgreSQL read model (never over grain state).</summary>
[Alias("catalog")]
public interface ICatalogGrain : IGrainWithIntegerKey
{
    [Alias("modules")]
    Task<ModulePage> ListModules(ModuleQuery query);

    [Alias("namespaces")]
    Task<NamespaceView[]> ListNamespaces(string[]? allowedNamespaces);

    [Alias("api-keys")]
    Task<ApiKeyView[]> ListApiKeys();
}
