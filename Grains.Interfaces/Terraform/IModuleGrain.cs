using OrleansRegistry.Caching;

namespace OrleansRegistry.Terraform;

/// <summary>A Terraform module, keyed <c>namespace/name/system</c>. The single writer of its versions.</summary>
[Alias("module")]
public interface IModuleGrain : IGrainWithStringKey
{
    /// <summary>Created; Unchanged for the same archive again (a retry whose answer was lost); Conflict; Invalid.</summary>
    [Alias("publish")]
    Task<Outcome<ModuleVersionView>> Publish(ModulePublish request);

    /// <summary>The module protocol <c>versions</c> document, precomputed; null when the module has no version.</summary>
    /// <param name="holder">The asking frontend's document cache, told to drop the answer when it changes; null when not caching.</param>
    [Alias("versions-document")]
    Task<ProtocolDocument?> GetVersionsDocument(IDocumentHolder? holder);

    /// <summary>Where a version's archive is; counts the download (in memory, written periodically).</summary>
    [Alias("download")]
    Task<ModuleDownload?> Download(string version);

    /// <summary>Details at <paramref name="version"/>, or at the latest version when null.</summary>
    [Alias("details"), Orleans.Concurrency.ReadOnly]
    Task<ModuleDetails?> GetDetails(string? version);

    [Alias("delete-version")]
    Task<Outcome> DeleteVersion(string version, Actor actor);

    [Alias("deprecate")]
    Task<Outcome> SetDeprecation(string version, ModuleDeprecation? deprecation, Actor actor);
}
