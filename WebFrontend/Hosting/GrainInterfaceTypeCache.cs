using System.Collections.Concurrent;
using Orleans.Metadata;
using OrleansRegistry.Terraform;

namespace OrleansRegistry.WebFrontend.Hosting;

/// <summary>
/// Remembers the Orleans interface type of each registry grain interface. Orleans works it out on every
/// <c>GetGrain</c> by formatting the interface's type name (its convention), a visible cost on a cached protocol
/// read; the answer never changes, so it is computed once per interface here (see docs/performance.md#grain-interface-types).
/// </summary>
public sealed class GrainInterfaceTypeCache(IServiceProvider services) : IGrainInterfaceTypeProvider
{
    private static readonly System.Reflection.Assembly Registry = typeof(IModuleGrain).Assembly;
    private readonly ConcurrentDictionary<Type, GrainInterfaceType> _known = new();
    private GrainInterfaceTypeResolver? _resolver;

    public bool TryGetGrainInterfaceType(Type type, out GrainInterfaceType grainInterfaceType)
    {
        // Only the registry's own interfaces: none carries a [GrainInterfaceType], so the convention is their answer.
        if (type.Assembly != Registry || type.IsGenericType)
        {
            grainInterfaceType = default;
            return false;
        }

        if (!_known.TryGetValue(type, out grainInterfaceType))
        {
            _resolver ??= services.GetRequiredService<GrainInterfaceTypeResolver>();
            grainInterfaceType = _known.GetOrAdd(type, _resolver.GetGrainInterfaceTypeByConvention(type));
        }

        return true;
    }
}

public static class GrainInterfaceTypeCacheExtensions
{
    /// <summary>Puts the cache ahead of Orleans' own providers, whichever order the hosting calls come in.</summary>
    public static IServiceCollection AddGrainInterfaceTypeCache(this IServiceCollection services)
    {
        services.Insert(0, ServiceDescriptor.Singleton<IGrainInterfaceTypeProvider, GrainInterfaceTypeCache>());
        return services;
    }
}
