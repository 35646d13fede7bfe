using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrleansRegistry.Storage.LocalFileSystem;
using OrleansRegistry.Storage.S3;

namespace OrleansRegistry.Storage;

public static class StorageServiceCollectionExtensions
{
    public const string Section = "Registry:Storage";

    /// <summary>Registers the configured artifact store: <c>Registry:Storage:Kind</c> (<c>REGISTRY_STORAGE_KIND</c>) <c>local</c> (the default) or <c>s3</c>.</summary>
    public static IServiceCollection AddArtifactStore(this IServiceCollection services, IConfiguration configuration, string dataDir)
    {
        var storage = configuration.GetSection(Section);
        var prefix = storage["Prefix"] is { Length: > 0 } p ? p.TrimEnd('/') + "/" : "";
        switch (storage["Kind"]?.ToLowerInvariant() ?? "local")
        {
            case "local":
                var options = configuration.GetSection(LocalFileSystemOptions.Section).Get<LocalFileSystemOptions>() ?? new();
                services.AddSingleton<IArtifactStore>(new MeasuredArtifactStore(new LocalFileSystemArtifactStore(Path.Combine(options.Root ?? Path.Combine(dataDir, "artifacts"), prefix)), "local"));
                return services;
            case "s3":
                var s3 = configuration.GetSection(S3StorageOptions.Section).Get<S3StorageOptions>() ?? new();
                var bucket = s3.Bucket is { Length: > 0 } b ? b : throw new InvalidOperationException("REGISTRY_STORAGE_S3_BUCKET (Registry:Storage:S3:Bucket) is required with REGISTRY_STORAGE_KIND=s3");
                services.AddSingleton<IArtifactStore>(new MeasuredArtifactStore(new S3ArtifactStore(CreateClient(s3), bucket, prefix), "s3"));
                return services;
            case var kind:
                throw new InvalidOperationException($"REGISTRY_STORAGE_KIND (Registry:Storage:Kind) '{kind}' is not supported; use local or s3");
        }
    }

    private static AmazonS3Client CreateClient(S3StorageOptions options)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            // Checksums only where S3 requires them: S3-compatible servers do not all take the SDK's default trailers.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (options.Endpoint is { Length: > 0 } endpoint)
        {
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = options.Region ?? "us-east-1";
        }
        else if (options.Region is { Length: > 0 } region)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        return options.AuthMethod.ToLowerInvariant() switch
        {
            "default" => new AmazonS3Client(config),
            "static" when options.AccessKeyId is { Length: > 0 } && options.SecretAccessKey is { Length: > 0 } =>
                new AmazonS3Client(new BasicAWSCredentials(options.AccessKeyId, options.SecretAccessKey), config),
            "static" => throw new InvalidOperationException("REGISTRY_STORAGE_S3_AUTH_METHOD=static needs REGISTRY_STORAGE_S3_ACCESS_KEY_ID and REGISTRY_STORAGE_S3_SECRET_ACCESS_KEY"),
            var method => throw new InvalidOperationException($"REGISTRY_STORAGE_S3_AUTH_METHOD '{method}' is not supported; use default or static"),
        };
    }
}
