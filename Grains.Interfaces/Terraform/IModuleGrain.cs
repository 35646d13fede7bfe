namespace OrleansRegistry.Terraform;

/// <summary>A Terraform module, keyed <c>namespace/name/system</c>. The single writer of its versions.</summary>
[Alias("module")]
public interface IModuleGrain : IGrainWithStringKey
{
    [Alias("publish")]
    Task<ModulePublishResult> Publish(ModulePublish request);

    /// <summary>The module protocol <c>versions</c> document, precomputed; null when the module has no version.</summary>
    [Alias("versions-document"), Orleans.Concurrency.ReadOnly]
    Task<ProtocolDocument?> GetVersionsDocument();

    [Alias("download"), Orleans.Concurrency.ReadOnly]
    Task<ModuleDownload?> GetDownload(string version);

    /// <summary>Details at <paramref name="version"/>, or at the latest version when null.</summary>
    [Alias("details"), Orleans.Concurrency.ReadOnly]
    Task<ModuleDetails?> GetDetails(string? version);

    [Alias("delete-version")]
    Task<ChangeStatus> DeleteVersion(string version, Actor actor);

    [Alias("deprecate")]
    Task<ChangeStatus> SetDeprecation(string version, ModuleDeprecation? deprecation, Actor actor);

    /// <summary>Counts a download (called when a signed download link is issued).</summary>
    [Alias("count-download"), Orleans.Concurrency.OneWay]
    Task CountDownload(string version);
}
