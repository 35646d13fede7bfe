using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace OrleansRegistry.Storage.S3;

/// <summary>The S3 client the settings describe.</summary>
public static class S3Client
{
    /// <param name="variables">The settings' environment variable prefix, <c>REGISTRY_STORAGE_S3_</c> or a copy target's.</param>
    public static IArtifactStore CreateStore(S3StorageOptions options, string prefix, string variables)
    {
        var bucket = options.Bucket is { Length: > 0 } b ? b : throw new StorageSettingsException($"{variables}BUCKET is required for an S3 store");
        return new S3ArtifactStore(Create(options, variables), bucket, prefix, variables);
    }

    private static AmazonS3Client Create(S3StorageOptions options, string variables)
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
            "static" => throw new StorageSettingsException($"{variables}AUTH_METHOD=static needs {variables}ACCESS_KEY_ID and {variables}SECRET_ACCESS_KEY"),
            var method => throw new StorageSettingsException($"{variables}AUTH_METHOD '{method}' is not supported; use default or static"),
        };
    }
}
