namespace OrleansRegistry;

/// <summary>A protocol response precomputed by a grain: the exact bytes to send, with its validators.</summary>
[GenerateSerializer, Immutable, Alias("protocol-document")]
public sealed record ProtocolDocument(
    [property: Id(0)] byte[] Body,
    [property: Id(1)] string ETag,
    [property: Id(2)] DateTimeOffset LastModified);

/// <summary>Who asked for a change; recorded in the audit log.</summary>
[GenerateSerializer, Immutable, Alias("actor")]
public sealed record Actor([property: Id(0)] string KeyId, [property: Id(1)] string KeyName)
{
    public static readonly Actor System = new("system", "system");
}
