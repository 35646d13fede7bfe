namespace OrleansRegistry.Terraform;

public enum ArchiveFormat
{
    TarGz = 0,
    Zip = 1,
}

/// <summary>A module archive already streamed into the artifact store; the grain validates and records it.</summary>
[GenerateSerializer, Immutable, Alias("module-publish")]
public sealed record ModulePublish(
    [property: Id(0)] string Version,
    [property: Id(1)] string StorageKey,
    [property: Id(2)] long Size,
    [property: Id(3)] string Sha256,
    [property: Id(4)] ArchiveFormat Format,
    [property: Id(5)] Actor PublishedBy);

[GenerateSerializer, Immutable, Alias("module-deprecation")]
public sealed record ModuleDeprecation(
    [property: Id(0)] string? Reason,
    [property: Id(1)] string? Link,
    [property: Id(2)] DateTimeOffset At);

[GenerateSerializer, Immutable, Alias("module-version-view")]
public sealed record ModuleVersionView(
    [property: Id(0)] string Version,
    [property: Id(1)] DateTimeOffset PublishedAt,
    [property: Id(2)] string PublishedBy,
    [property: Id(3)] long Size,
    [property: Id(4)] string Sha256,
    [property: Id(5)] ModuleDeprecation? Deprecation,
    [property: Id(6)] string? RootPath,
    [property: Id(7)] long Downloads);

/// <summary>Everything the listing API and the UI show of a module at one version.</summary>
[GenerateSerializer, Immutable, Alias("module-details")]
public sealed record ModuleDetails(
    [property: Id(0)] string Namespace,
    [property: Id(1)] string Name,
    [property: Id(2)] string System,
    [property: Id(3)] ModuleVersionView Version,
    [property: Id(4)] string? Readme,
    [property: Id(5)] string[] Versions,
    [property: Id(6)] long Downloads);

/// <summary>Where a version's archive is and how Terraform should unpack it.</summary>
[GenerateSerializer, Immutable, Alias("module-download")]
public sealed record ModuleDownload(
    [property: Id(0)] string StorageKey,
    [property: Id(1)] ArchiveFormat Format,
    [property: Id(2)] string? RootPath,
    [property: Id(3)] string Sha256);
