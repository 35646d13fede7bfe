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
    [property: Id(6)] long Downloads,
    [property: Id(7)] ModuleInterface? Interface = null);

/// <summary>
/// A module version's interface as its root <c>.tf</c>/<c>.tf.json</c> files declare it, read once at publish;
/// null in the details of versions published before the registry read it. Types and defaults are the source text
/// (Terraform evaluates them, the registry does not); descriptions are the decoded strings.
/// </summary>
[GenerateSerializer, Immutable, Alias("module-interface")]
public sealed record ModuleInterface(
    [property: Id(0)] ModuleInput[] Inputs,
    [property: Id(1)] ModuleOutput[] Outputs,
    [property: Id(2)] ModuleProviderRequirement[] ProviderRequirements,
    [property: Id(3)] string? RequiredVersion,
    [property: Id(4)] ModuleResource[] Resources,
    [property: Id(5)] ModuleCall[] ModuleCalls,
    [property: Id(6)] string[] Warnings);

/// <summary>A <c>variable</c> block; <see cref="Required"/> when it has no <c>default</c> (a <c>default = null</c> makes it optional).</summary>
[GenerateSerializer, Immutable, Alias("module-input")]
public sealed record ModuleInput(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Type,
    [property: Id(2)] string? Default,
    [property: Id(3)] string? Description,
    [property: Id(4)] bool Required,
    [property: Id(5)] bool Sensitive,
    [property: Id(6)] bool Nullable);

[GenerateSerializer, Immutable, Alias("module-output")]
public sealed record ModuleOutput(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Description,
    [property: Id(2)] bool Sensitive);

/// <summary>An entry of <c>required_providers</c>: local name, source address and version constraint (either may be absent).</summary>
[GenerateSerializer, Immutable, Alias("module-provider-requirement")]
public sealed record ModuleProviderRequirement(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Source,
    [property: Id(2)] string? Version);

/// <summary>A <c>resource</c>, <c>data</c> or <c>ephemeral</c> block; <see cref="Mode"/> is <c>managed</c>, <c>data</c> or <c>ephemeral</c>.</summary>
[GenerateSerializer, Immutable, Alias("module-resource")]
public sealed record ModuleResource(
    [property: Id(0)] string Type,
    [property: Id(1)] string Name,
    [property: Id(2)] string Mode);

/// <summary>A <c>module</c> block: the module it calls.</summary>
[GenerateSerializer, Immutable, Alias("module-call")]
public sealed record ModuleCall(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Source,
    [property: Id(2)] string? Version);

/// <summary>Where a version's archive is and how Terraform should unpack it.</summary>
[GenerateSerializer, Immutable, Alias("module-download")]
public sealed record ModuleDownload(
    [property: Id(0)] string StorageKey,
    [property: Id(1)] ArchiveFormat Format,
    [property: Id(2)] string? RootPath,
    [property: Id(3)] string Sha256);
