using OrleansRegistry.Silo.Hosting;
using OrleansRegistry.WebFrontend.Hosting;

namespace OrleansRegistry.Silo;

/// <summary>Builds the registry process: a silo, plus the web frontend unless REGISTRY_ROLE=silo.</summary>
public static class RegistryHost
{
    /// <summary>Configuration is read once: no file watchers (they cost an inotify instance per host).</summary>
    private const string NoConfigReload = RegistryFrontend.NoConfigReload;

    public static WebApplication Build(string[] args, Action<IConfigurationBuilder>? configure = null)
    {
        // Content root = the binaries, so appsettings.json applies whatever the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. args, NoConfigReload], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddRegistryEnvironment();
        configure?.Invoke(builder.Configuration);
        var connectionString = RegistryDatabase.ConnectionString(builder.Configuration);
        var withFrontend = !string.Equals(builder.Configuration["Registry:Role"], "silo", StringComparison.OrdinalIgnoreCase);

        builder.AddRegistryHosting().AddRegistrySilo(connectionString);
        builder.AddRegistryFrontend();
        builder.Services.AddHostedService<BootstrapAdminKey>();

        var app = builder.Build();
        app.UseRegistryHosting();
        if (withFrontend)
        {
            app.MapRegistryFrontend();
        }

        return app;
    }
}

public static class RegistryDatabase
{
    public static string ConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString("Registry")
        ?? throw new ConfigurationException("REGISTRY_DB (ConnectionStrings:Registry) must name the PostgreSQL database");
}
