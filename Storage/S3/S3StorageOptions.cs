namespace OrleansRegistry.Storage.S3;

/// <summary>
/// An S3 bucket (AWS, MinIO or another S3 server): <c>REGISTRY_STORAGE_S3_*</c>, or <c>Registry:Storage:S3</c>.
/// </summary>
public sealed class S3StorageOptions
{
    public const string Section = "S3";

    public string? Bucket { get; set; }

    /// <summary>The bucket's region; the SDK's own resolution (environment, profile) when unset.</summary>
    public string? Region { get; set; }

    /// <summary>Another S3 server's address (MinIO, Ceph, a test server); AWS when unset.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Bucket in the path rather than the host name, as most S3 servers other than AWS need.</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary><c>default</c>: the SDK's chain (environment, profile, web identity/IRSA, container, instance); <c>static</c>: the keys below.</summary>
    public string AuthMethod { get; set; } = "default";

    public string? AccessKeyId { get; set; }

    public string? SecretAccessKey { get; set; }
}
