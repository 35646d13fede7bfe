using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrleansRegistry.Storage.LocalFileSystem;

namespace OrleansRegistry.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers the configured artifact store (<c>Storage:Kind</c>; only <c>local</c> so far).</summary>
    public static IServiceCollection AddArtifactStore(this IServiceCollection services, IConfiguration configuration, string dataDir)
    {
        var kind = configuration["Storage:Kind"] ?? "local";
        if (!string.Equals(kind, "local", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Storage:Kind '{kind}' is not supported; use 'local'");
        }

        var options = configuration.GetSection(LocalFileSystemOptions.Section).Get<LocalFileSystemOptions>() ?? new();
        var root = options.Root ?? Path.Combine(dataDir, "artifacts");
        services.AddSingleton<IArtifactStore>(new LocalFileSystemArtifactStore(root));
        return services;
    }
}
