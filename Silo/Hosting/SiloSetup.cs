using System.Net;
using Npgsql;
using Orleans.Configuration;
using Orleans.Dashboard;
using OrleansRegistry.Archives;
using OrleansRegistry.Catalog;
using OrleansRegistry.Changes;
using OrleansRegistry.Mirroring;
using OrleansRegistry.Mirroring.ComposerRepository;
using OrleansRegistry.Mirroring.Git;
using OrleansRegistry.Signing;
using OrleansRegistry.WebFrontend.Errors;
using OrleansRegistry.WebFrontend.Hosting;
using OrleansRegistry.Storage;

namespace OrleansRegistry.Silo.Hosting;

/// <summary>The silo's Orleans providers (clustering, grain state, reminders on PostgreSQL) and the services grains use.</summary>
public static class SiloSetup
{
    public static WebApplicationBuilder AddRegistrySilo(this WebApplicationBuilder builder, string connectionString)
    {
        var config = builder.Configuration;
        var dataDir = Path.GetFullPath(config["Registry:DataDir"] ?? ".data");
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        builder.Services.AddSingleton<RegistryIndex>();
        builder.Services.AddSingleton(new SecretProtector(Secrets.Key(config, "Registry:EncryptionKey", "REGISTRY_ENCRYPTION_KEY")));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.Configure<ArchiveLimits>(config.GetSection(ArchiveLimits.Section));
        builder.Services.Configure<OrleansRegistry.ApiKeys.RateLimitOptions>(config.GetSection(OrleansRegistry.ApiKeys.RateLimitOptions.Section));
        builder.Services.Configure<OrleansRegistry.ApiKeys.ApiKeyLeaseOptions>(config.GetSection(OrleansRegistry.ApiKeys.ApiKeyLeaseOptions.Section));
        builder.Services.AddTransient<OrleansRegistry.Caching.DocumentHolders>();
        builder.Services.AddStateChanges();
        builder.Services.AddSingleton<OrleansRegistry.Terraform.ProviderReleaseVerifier>();
        builder.Services.AddArtifactStore(config, dataDir);
        builder.Services.Configure<MirrorOptions>(config.GetSection(MirrorOptions.Section));
        builder.Services.PostConfigure<MirrorOptions>(o => o.GitCacheDirectory ??= Path.Combine(dataDir, "git-cache"));
        builder.Services.AddSingleton<ProviderMirrorSync>();
        builder.Services.AddSingleton<GitSource>();
        builder.Services.AddSingleton<IMirrorEngine>(sp => sp.GetRequiredService<ProviderMirrorSync>());
        builder.Services.AddSingleton<IMirrorEngine, ComposerGitSync>();
        builder.Services.AddSingleton<IMirrorEngine, ModuleGitSync>();
        builder.Services.AddSingleton<IMirrorEngine, ComposerRepositorySync>();
        // Upstream TLS is trusted through the system store, which SSL_CERT_FILE / SSL_CERT_DIR can point elsewhere.
        builder.Services.AddHttpClient(ProviderMirrorSync.HttpClientName, c => c.Timeout = TimeSpan.FromMinutes(30))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AutomaticDecompression = DecompressionMethods.All,
            });

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = config["Orleans:ClusterId"] ?? "local";
                o.ServiceId = config["Orleans:ServiceId"] ?? "local";
            });
            var advertised = IPAddress.Parse(config["Orleans:AdvertisedIP"] ?? "127.0.0.1");
            silo.ConfigureEndpoints(advertised, config.GetValue("Orleans:SiloPort", 11111), config.GetValue("Orleans:GatewayPort", 30000), listenOnAnyHostAddress: true);
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
            silo.AddAdoNetGrainStorage(RegistryStorage.Name, o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
            silo.UseSystemTextJsonGrainStorageSerializer();
            silo.AddIncomingGrainCallFilter<DependencyFailureFilter>();
            silo.Services.AddDatabaseExceptionTransport();
            silo.Configure<GrainCollectionOptions>(o => ConfigureIdleDeactivation(o, config));
            silo.Configure<GrainDirectoryOptions>(o => ConfigureDirectoryCache(o, config));
            if (RegistryFrontend.DashboardEnabled(config))
            {
                silo.AddDashboard(o => o.HideTrace = true);
            }
        });
        return builder;
    }

    /// <summary>
    /// Grains idle for <c>Registry:IdleDeactivationAfter</c> (Orleans' default, 15 minutes) are deactivated, so memory
    /// follows the working set rather than the catalog; idleness is checked every quarter of that (at most a minute).
    /// </summary>
    private static void ConfigureIdleDeactivation(GrainCollectionOptions options, IConfiguration config)
    {
        var idle = config.GetValue("Registry:IdleDeactivationAfter", options.CollectionAge);
        if (idle < TimeSpan.FromSeconds(10))
        {
            throw new InvalidOperationException($"Registry:IdleDeactivationAfter must be at least 10 seconds, not {idle}");
        }

        options.CollectionAge = idle;
        options.CollectionQuantum = TimeSpan.FromTicks(Math.Min(options.CollectionQuantum.Ticks, idle.Ticks / 4));
    }

    /// <summary>
    /// Where other silos' grains live, cached per silo for <c>Registry:DirectoryCacheSize</c> grains (100,000; 0 turns
    /// it off). Orleans' default of a million entries preallocates its table, whatever the catalog's size (see
    /// docs/performance.md#memory).
    /// </summary>
    private static void ConfigureDirectoryCache(GrainDirectoryOptions options, IConfiguration config)
    {
        var size = config.GetValue("Registry:DirectoryCacheSize", 100_000);
        if (size < 0)
        {
            throw new InvalidOperationException($"Registry:DirectoryCacheSize must be 0 or more, not {size}");
        }

        options.CacheSize = size;
    }
}
