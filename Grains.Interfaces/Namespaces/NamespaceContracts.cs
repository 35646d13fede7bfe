namespace OrleansRegistry.Namespaces;

[GenerateSerializer, Immutable, Alias("namespace-view")]
public sealed record NamespaceView(
    [property: Id(0)] string Name,
    [property: Id(1)] DateTimeOffset CreatedAt,
    [property: Id(2)] string CreatedBy,
    [property: Id(3)] string[] Modules);

[Alias("namespace")]
public interface INamespaceGrain : IGrainWithStringKey
{
    /// <summary>Creates the namespace; returns null when it already exists.</summary>
    [Alias("create")]
    Task<NamespaceView?> Create(Actor actor);

    [Alias("get")]
    Task<NamespaceView?> Get();

    [Alias("exists"), Orleans.Concurrency.ReadOnly]
    Task<bool> Exists();

    /// <summary>Records that a module (<c>name/system</c>) lives in this namespace.</summary>
    [Alias("add-module")]
    Task AddModule(string module);

    [Alias("remove-module")]
    Task RemoveModule(string module);
}
