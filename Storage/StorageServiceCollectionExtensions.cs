using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansRegistry.Storage.Azure;
using OrleansRegistry.Storage.LocalFileSystem;
using OrleansRegistry.Storage.S3;

namespace OrleansRegistry.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers the configured artifact store (<see cref="StorageOptions"/>) and its options.</summary>
    public static IServiceCollection AddArtifactStore(this IServiceCollection services, IConfiguration configuration, string dataDir)
    {
        var section = configuration.GetSection(StorageOptions.Section);
        var store = CreateStore(section, "REGISTRY_STORAGE", dataDir, out var options);
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(store);
        return services;
    }

    /// <summary>
    /// The store one configuration section describes (<c>Registry:Storage</c>, or the target of a copy), measured.
    /// Settings that cannot work stop the process here, naming the setting (its environment variable starts with
    /// <paramref name="variables"/>).
    /// </summary>
    public static IArtifactStore CreateStore(IConfigurationSection section, string variables, string dataDir, out StorageOptions options)
    {
        options = section.Get<StorageOptions>() ?? new();
        if (options.Downloads.ToLowerInvariant() is not ("proxy" or "redirect"))
        {
            throw new StorageSettingsException($"{variables}_DOWNLOADS ({section.Path}:Downloads) '{options.Downloads}' is not supported; use proxy or redirect");
        }

        if (options.RedirectLifetimeSpan is null)
        {
            throw new StorageSettingsException($"{variables}_REDIRECT_LIFETIME ({section.Path}:RedirectLifetime) '{options.RedirectLifetime}' is not a duration between 1s and 6d, such as 15m");
        }

        var kind = options.Kind.ToLowerInvariant();
        IArtifactStore store = kind switch
        {
            "local" => new LocalFileSystemArtifactStore(Path.Combine(
                section.GetSection(LocalFileSystemOptions.Section).Get<LocalFileSystemOptions>()?.Root ?? Path.Combine(dataDir, "artifacts"), options.KeyPrefix)),
            "s3" => S3Client.CreateStore(section.GetSection(S3StorageOptions.Section).Get<S3StorageOptions>() ?? new(), options.KeyPrefix, $"{variables}_S3_"),
            "azure" => AzureBlobClient.CreateStore(section.GetSection(AzureStorageOptions.Section).Get<AzureStorageOptions>() ?? new(), options, $"{variables}_AZURE_"),
            "gcs" => Gcs.GcsClient.CreateStore(section.GetSection(Gcs.GcsStorageOptions.Section).Get<Gcs.GcsStorageOptions>() ?? new(), options.KeyPrefix, $"{variables}_GCS_"),
            _ => throw new StorageSettingsException($"{variables}_KIND ({section.Path}:Kind) '{options.Kind}' is not supported; use local, s3, azure or gcs"),
        };
        if (options.Redirects && kind == "local")
        {
            throw new StorageSettingsException($"{variables}_DOWNLOADS=redirect needs an object store (s3, azure or gcs): local artifacts are served by the registry");
        }

        return new MeasuredArtifactStore(store, kind);
    }
}
