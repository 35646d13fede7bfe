using System.Net;
using Npgsql;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Serialization;
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
    /// <summary>
    /// The registry silo of this process: its grains (<see cref="AddRegistryGrains"/>), clustered with the other silos
    /// through PostgreSQL, with reminders there too, on the configured endpoints.
    /// </summary>
    public static WebApplicationBuilder AddRegistrySilo(this WebApplicationBuilder builder, string connectionString)
    {
        var config = builder.Configuration;
        AuditRetentionStart.Validate(config);
        ExpiryMailStart.Validate(config);
        builder.UseOrleans(silo =>
        {
            silo.AddRegistryGrains(config, connectionString);
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
            silo.Configure<ClusterMembershipOptions>(o => ConfigureFailureDetection(o, config));
            silo.Services.AddSingleton<GrainHandOver>();
            silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<GrainHandOver>());
            silo.Services.AddSingleton<IActivationWorkingSetObserver>(sp => sp.GetRequiredService<GrainHandOver>());
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
            if (RegistryFrontend.DashboardEnabled(config))
            {
                silo.AddDashboard(o => o.HideTrace = true);
            }
        });
        // A host's silo, not a test cluster's: the count is exported through this process's /metrics.
        builder.Services.Configure<OrleansRegistry.ApiKeys.ApiKeyExpiryMetricsOptions>(config.GetSection(OrleansRegistry.ApiKeys.ApiKeyExpiryMetricsOptions.Section));
        builder.Services.AddHostedService<OrleansRegistry.ApiKeys.ApiKeyExpiryMetrics>();
        builder.Services.AddHostedService<AuditRetentionStart>();
        builder.Services.AddHostedService<ExpiryMailStart>();
        return builder;
    }

    /// <summary>
    /// Until a lost silo is declared dead, calls to its grains wait or fail. A silo whose host vanishes is only
    /// noticed by probes timing out: suspected after 3 missed probes, dead on 2 votes, so probing every 3 s (Orleans:
    /// 5 s) brings that from about 15 s to about 9 s. Slow hosts keep from false suspicions through
    /// <c>ExtendProbeTimeoutDuringDegradation</c> (on by default). Measurements: docs/architecture.md#failure-detection.
    /// </summary>
    private static void ConfigureFailureDetection(ClusterMembershipOptions options, IConfiguration config)
    {
        options.ProbeTimeout = config.GetValue("Orleans:Membership:ProbeTimeout", TimeSpan.FromSeconds(3));
        options.NumMissedProbesLimit = config.GetValue("Orleans:Membership:NumMissedProbesLimit", 3);
    }

    /// <summary>
    /// The registry's grains with everything they use: grain state in PostgreSQL, the read model, the artifact store,
    /// mirror engines and the settings bound from <paramref name="config"/>. Clustering, endpoints and reminders are
    /// the caller's, so a test cluster runs these same grains on its own.
    /// </summary>
    public static ISiloBuilder AddRegistryGrains(this ISiloBuilder silo, IConfiguration config, string connectionString)
    {
        var services = silo.Services;
        var dataDir = Path.GetFullPath(config["Registry:DataDir"] ?? ".data");
        services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        services.AddSingleton<ReadModel>();
        services.AddSingleton<ReadModelQueries>();
        services.AddSingleton<CatalogSearchQuery>();
        services.AddSingleton<OrganizationReadModel>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton(new SecretProtector(Secrets.Key(config, "Registry:EncryptionKey", "REGISTRY_ENCRYPTION_KEY")));
        services.AddSingleton(TimeProvider.System);
        services.Configure<ArchiveLimits>(config.GetSection(ArchiveLimits.Section));
        services.Configure<OrleansRegistry.ApiKeys.RateLimitOptions>(config.GetSection(OrleansRegistry.ApiKeys.RateLimitOptions.Section));
        services.Configure<OrleansRegistry.ApiKeys.ApiKeyLeaseOptions>(config.GetSection(OrleansRegistry.ApiKeys.ApiKeyLeaseOptions.Section));
        services.Configure<AuditRetentionOptions>(config.GetSection(AuditRetentionOptions.Section));
        ExpiryMailStart.AddExpiryMail(services, config);
        services.AddTransient<OrleansRegistry.Caching.DocumentHolders>();
        // Also bound by the host's AddRegistryHosting; here for silos that run without it (a test cluster).
        services.Configure<OrleansRegistry.Caching.DocumentCacheOptions>(config.GetSection(OrleansRegistry.Caching.DocumentCacheOptions.Section));
        services.AddStateChanges();
        services.AddSingleton<OrleansRegistry.Terraform.ProviderReleaseVerifier>();
        services.AddArtifactStore(config, dataDir);
        services.Configure<MirrorOptions>(config.GetSection(MirrorOptions.Section));
        services.PostConfigure<MirrorOptions>(o => o.GitCacheDirectory ??= Path.Combine(dataDir, "git-cache"));
        services.AddSingleton<ProviderMirrorSync>();
        services.AddSingleton<GitSource>();
        services.AddSingleton<IMirrorEngine>(sp => sp.GetRequiredService<ProviderMirrorSync>());
        services.AddSingleton<IMirrorEngine, ComposerGitSync>();
        services.AddSingleton<IMirrorEngine, ModuleGitSync>();
        services.AddSingleton<IMirrorEngine, ComposerRepositorySync>();
        // Upstream TLS is trusted through the system store, which SSL_CERT_FILE / SSL_CERT_DIR can point elsewhere.
        services.AddHttpClient(ProviderMirrorSync.HttpClientName, c => c.Timeout = TimeSpan.FromMinutes(30))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AutomaticDecompression = DecompressionMethods.All,
            });

        silo.AddAdoNetGrainStorage(RegistryStorage.Name, o =>
        {
            o.Invariant = "Npgsql";
            o.ConnectionString = connectionString;
        });
        silo.UseSystemTextJsonGrainStorageSerializer();
        // Grain state is plain JSON-serializable classes (what storage writes); a grain handed over to another silo
        // (GrainHandOver) carries its state through Orleans' serializer, so state types travel as JSON too.
        services.AddSerializer(serializer => serializer.AddJsonSerializer(isSupported: GrainHandOver.IsGrainState));
        silo.AddIncomingGrainCallFilter<DependencyFailureFilter>();
        services.AddDatabaseExceptionTransport();
        silo.Configure<GrainCollectionOptions>(o => ConfigureIdleDeactivation(o, config));
        silo.Configure<GrainDirectoryOptions>(o => ConfigureDirectoryCache(o, config));
        return silo;
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
