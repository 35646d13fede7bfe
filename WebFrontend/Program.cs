using Orleans.Configuration;
using Orleans.Dashboard;
using OrleansRegistry.WebFrontend.Errors;
using OrleansRegistry.WebFrontend.Hosting;

// The separate, stateless frontend of cluster mode: an Orleans client of the silos found in PostgreSQL.
InlineSocketCompletions.EnableUnlessSet();

// Content root = the binaries, so appsettings.json applies whatever the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. args, RegistryFrontend.NoConfigReload], ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddRegistryEnvironment();
var connectionString = builder.Configuration.GetConnectionString("Registry")
    ?? throw new InvalidOperationException("REGISTRY_DB (ConnectionStrings:Registry) must name the PostgreSQL database");

// Start Kestrel without waiting for a gateway: while no silo is reachable, requests get a JSON 503.
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
builder.AddRegistryHosting().AddRegistryFrontend();

var app = builder.Build();
app.UseRegistryHosting().MapRegistryFrontend();
app.Run();
