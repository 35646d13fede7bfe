using Orleans.Configuration;
using Orleans.Dashboard;
using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.Hosting;

/// <summary>The frontend of cluster mode as an Orleans client of the silos it finds in PostgreSQL.</summary>
public static class RegistryClusterClient
{
    public static WebApplicationBuilder AddRegistryClusterClient(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("Registry")
            ?? throw new ConfigurationException("REGISTRY_DB (ConnectionStrings:Registry) must name the PostgreSQL database");

        // Start Kestrel without waiting for a gateway: while no silo is reachable, requests get a 503.
        builder.Services.Configure<HostOptions>(o => o.ServicesStartConcurrently = true);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = builder.Configuration["Orleans:ClusterId"] ?? "local";
                o.ServiceId = builder.Configuration["Orleans:ServiceId"] ?? "local";
            });
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
            client.UseConnectionRetryFilter(async (_, cancellationToken) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
                return true;
            });
            if (RegistryFrontend.DashboardEnabled(builder.Configuration))
            {
                client.AddDashboard();
            }
        });
        builder.Services.AddDatabaseExceptionTransport();
        return builder;
    }
}
