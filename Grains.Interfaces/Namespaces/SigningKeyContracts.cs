namespace OrleansRegistry.Namespaces;

/// <summary>A public signing key of a namespace; <see cref="Source"/> is "uploaded" or "registry" (managed).</summary>
[GenerateSerializer, Immutable, Alias("signing-key-view")]
public sealed record SigningKeyView(
    [property: Id(0)] string KeyId,
    [property: Id(1)] string AsciiArmor,
    [property: Id(2)] string Source,
    [property: Id(3)] DateTimeOffset AddedAt);

/// <summary>A verified (or registry-made) detached signature: which key, and the signature in binary form.</summary>
[GenerateSerializer, Immutable, Alias("signature-result")]
public sealed record SignatureResult(
    [property: Id(0)] SigningKeyView? Key,
    [property: Id(1)] byte[]? BinarySignature,
    [property: Id(2)] string? Error);
