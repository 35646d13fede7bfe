using System.Net;
using System.Security.Cryptography.X509Certificates;
using Orleans.Dashboard;
using OrleansRegistry.Caching;
using OrleansRegistry.Storage;
using OrleansRegistry.WebFrontend.Api;
using OrleansRegistry.WebFrontend.Audit;
using OrleansRegistry.WebFrontend.Auth;
using OrleansRegistry.WebFrontend.Caching;
using OrleansRegistry.WebFrontend.Composer;
using OrleansRegistry.WebFrontend.Downloads;
using OrleansRegistry.WebFrontend.Errors;
using OrleansRegistry.WebFrontend.Health;
using OrleansRegistry.WebFrontend.Metrics;
using OrleansRegistry.WebFrontend.SignIn;
using OrleansRegistry.WebFrontend.Terraform;
using OrleansRegistry.WebFrontend.Ui;
using Prometheus;

namespace OrleansRegistry.WebFrontend.Hosting;

/// <summary>Wires the stateless frontend into any host: the co-hosted single node or the separate frontend process.</summary>
public static class RegistryFrontend
{
    /// <summary>Host argument that turns off appsettings.json watching: configuration is read once at start.</summary>
    public const string NoConfigReload = "--hostBuilder:reloadConfigOnChange=false";

    /// <summary>Kestrel listeners (HTTP, HTTPS with the configured PEM pair, metrics) and health, for every role.</summary>
    public static WebApplicationBuilder AddRegistryHosting(this WebApplicationBuilder builder)
    {
        ExportPolledMetersOnly();
        DesiredSilosMetric.Export(builder.Configuration);
        TrustedProxies.Read(builder.Configuration); // a bad entry stops start-up here, with one line naming it
        builder.Services.AddGrainInterfaceTypeCache();
        // Silos (whose grains remember document holders) and frontends (which hold them) read the same duration.
        builder.Services.Configure<DocumentCacheOptions>(builder.Configuration.GetSection(DocumentCacheOptions.Section));
        var config = builder.Configuration;
        var address = IPAddress.Parse(config["Registry:ListenAddress"] ?? "0.0.0.0");
        var httpPort = config.GetValue("Registry:HttpPort", 8080);
        var httpsPort = config.GetValue("Registry:HttpsPort", 8443);
        var metricsPort = config.GetValue("Registry:MetricsPort", 9090);
        var certPath = config["Registry:Tls:CertificatePath"];
        var keyPath = config["Registry:Tls:KeyPath"];
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(address, httpPort);
            if (!string.IsNullOrEmpty(certPath))
            {
                var certificate = X509Certificate2.CreateFromPemFile(certPath, keyPath);
                kestrel.Listen(address, httpsPort, listen => listen.UseHttps(certificate));
            }

            kestrel.Listen(address, metricsPort);
        });
        builder.Services.AddRegistryHealthChecks(config.GetConnectionString("Registry"));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        return builder;
    }

    /// <summary>Services of the protocol and admin endpoints.</summary>
    public static WebApplicationBuilder AddRegistryFrontend(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<RegistryOptions>(builder.Configuration.GetSection(RegistryOptions.Section));
        var options = builder.Configuration.GetSection(RegistryOptions.Section).Get<RegistryOptions>() ?? new();
        var signingKey = Secrets.Key(builder.Configuration, "Registry:UrlSigningKey", "REGISTRY_URL_SIGNING_KEY");
        builder.Services.AddSingleton(sp => new UrlSigner(signingKey, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<ApiKeyLeases>();
        builder.Services.AddSingleton<DocumentCache>();
        builder.Services.AddSingleton<StaleIfError>();
        builder.Services.AddSingleton<DistContents>();
        builder.Services.AddSingleton<ArtifactLinks>();
        builder.Services.AddSingleton<SignedUrlDocuments>();
        builder.Services.AddSingleton<ApiKeyAuthenticator>();
        builder.Services.AddSingleton<ApiKeyCommands>();
        builder.Services.AddSingleton<MirrorCommands>();
        var authFailuresPerMinute = CountSetting.Read(builder.Configuration, AuthFailureAudit.Setting, AuthFailureAudit.Variable, AuthFailureAudit.DefaultPerMinute);
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<AuthFailureAudit>(sp, new AuthFailureLimiter(authFailuresPerMinute)));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AuthFailureAudit>());
        builder.Services.Configure<ShutdownDrainOptions>(builder.Configuration.GetSection(RegistryOptions.Section));
        builder.Services.AddHostedService<ShutdownDrain>();
        builder.Services.AddArtifactStore(builder.Configuration, options.DataDir);
        builder.Services.AddOpenApi();
        builder.AddRegistrySignIn();
        builder.AddRegistryUi();
        // Binding failures surface as BadHttpRequestException, whose message names the parameter; the error
        // middleware turns it into the JSON error shape.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = FrontendJson.Options.PropertyNamingPolicy;
            json.SerializerOptions.DefaultIgnoreCondition = FrontendJson.Options.DefaultIgnoreCondition;
            json.SerializerOptions.Encoder = FrontendJson.Options.Encoder;
        });
        return builder;
    }

    /// <summary>
    /// prometheus-net mirrors System.Diagnostics.Metrics into /metrics. Kestrel, ASP.NET Core and Orleans record several
    /// measurements per request and per grain call, too costly to mirror each, so only the polled instruments (gauges,
    /// observable counters: activations, connections, queue lengths, the runtime's GC and JIT figures) are kept. Its
    /// event-counter listener is off too: it would enable ASP.NET Core's and System.Net's event sources, making every
    /// request write start and stop events; the runtime's meters carry the same figures (see docs/performance.md#metrics-export).
    /// </summary>
    private static void ExportPolledMetersOnly()
    {
        if (Interlocked.Exchange(ref _metersConfigured, 1) == 1)
        {
            return;
        }

        Prometheus.Metrics.SuppressDefaultMetrics(new Prometheus.SuppressDefaultMetricOptions { SuppressMeters = true, SuppressEventCounters = true });
        Prometheus.MeterAdapter.StartListening(new Prometheus.MeterAdapterOptions
        {
            InstrumentFilterPredicate = instrument => instrument.IsObservable,
        });
    }

    private static int _metersConfigured;

    /// <summary>
    /// The Orleans dashboard (REGISTRY_DASHBOARD), off unless asked for: it profiles every grain call, which costs a
    /// large share of an authenticated read's throughput (see docs/performance.md#orleans-dashboard).
    /// </summary>
    public static bool DashboardEnabled(IConfiguration configuration) => configuration.GetValue("Registry:Dashboard", false);

    /// <summary>Middleware, health and metrics: what every process serves.</summary>
    public static WebApplication UseRegistryHosting(this WebApplication app)
    {
        app.UseMiddleware<ErrorHandlingMiddleware>();
        if (TrustedProxies.Read(app.Configuration) is { } forwarded)
        {
            app.UseForwardedHeaders(forwarded);
        }

        app.UseMiddleware<ListenerEndpointsMiddleware>(app.Configuration.GetValue("Registry:MetricsPort", 9090));
        if (AllowedHostsMiddleware.Read(app.Configuration) is { } allowedHosts)
        {
            app.UseMiddleware<AllowedHostsMiddleware>(allowedHosts);
        }

        app.UseMiddleware<HttpMetricsMiddleware>();
        app.UseMiddleware<NotReadyMiddleware>();
        app.UseRegistrySignIn();
        app.UseMiddleware<EndpointAccessMiddleware>();
        app.MapMetrics().AllowAnonymous("served on the metrics listener only (ListenerEndpointsMiddleware), scraped by Prometheus without a key");
        app.MapHealth();
        return app;
    }

    /// <summary>The protocol endpoints, the admin API, downloads, OpenAPI and the dashboard.</summary>
    public static WebApplication MapRegistryFrontend(this WebApplication app)
    {
        app.MapTerraformDiscovery();
        app.MapModuleProtocol();
        app.MapModuleListing();
        app.MapFiles();
        app.MapNamespacesApi();
        app.MapApiKeysApi();
        app.MapOrganizationsApi();
        app.MapOrganizationMembersApi();
        app.MapUsersApi();
        app.MapModulesApi();
        app.MapProviderProtocol();
        app.MapProviderListing();
        app.MapNetworkMirror();
        app.MapProvidersApi();
        app.MapMirrorsApi();
        app.MapWebhooksApi();
        app.MapSigningKeysApi();
        app.MapComposerRepository();
        app.MapComposerApi();
        app.MapAuditApi();
        app.MapSignIn();
        app.MapTerraformLogin();
        app.MapRegistryUi();
        app.MapOpenApi("/api/v1/openapi.json").AllowAnonymous("the API's description: routes and shapes, no registry data");
        if (DashboardEnabled(app.Configuration))
        {
            app.MapOrleansDashboard(routePrefix: "/dashboard").AddEndpointFilter(new DashboardAuthFilter())
                .RequireScopeInHandler(Scopes.Admin).RequireRegistryWideKey();
        }

        app.MapFallback((HttpContext http) => ApiErrors.NotFound(http, $"no such endpoint: {http.Request.Method} {http.Request.Path}"))
            .AllowAnonymous("answers 404 for every path no endpoint serves");
        return app;
    }
}
