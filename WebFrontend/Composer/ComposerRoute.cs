using OrleansRegistry.Composer;
using OrleansRegistry.Mirroring;
using OrleansRegistry.WebFrontend.Caching;

namespace OrleansRegistry.WebFrontend.Composer;

/// <summary>
/// Which grain serves a Composer package: its own (a private package, which shadows a mirrored one of the same name),
/// a mirror's (<see cref="MirrorPackage"/>, the mirror package grain's key), or none. Kept in the document cache
/// under the package's own grain, which drops it when its first version comes or its last goes; a mirror created or
/// deleted is seen within the cache's duration.
/// </summary>
public sealed record ComposerRoute(bool Private, string? MirrorPackage)
{
    public static readonly ComposerRoute Own = new(true, null);

    public static readonly ComposerRoute None = new(false, null);

    public static ValueTask<ComposerRoute?> ResolveAsync(DocumentCache cache, IGrainFactory grains, IComposerPackageGrain own, string package) =>
        cache.GetAsync(own, DocumentKey.ComposerRoute, (Grains: grains, Package: package), static async (own, arg, holder) =>
        {
            if (await own.Exists(holder))
            {
                return Own;
            }

            var mirror = await arg.Grains.GetGrain<IMirrorDirectoryGrain>(IMirrorDirectoryGrain.Key).RouteComposer(arg.Package);
            return mirror is null ? None : new ComposerRoute(false, $"{mirror}/{arg.Package}");
        });
}
