using OrleansRegistry.Storage;
using OrleansRegistry.WebFrontend.Health;
using OrleansRegistry.WebFrontend.Hosting;

// The separate, stateless frontend of cluster mode: an Orleans client of the silos found in PostgreSQL.
// `health` is the container image's HEALTHCHECK: it asks the running instance and exits.
if (args is [HealthCommand.Name]) return await HealthCommand.RunAsync();
InlineSocketCompletions.EnableUnlessSet();

// Content root = the binaries, so appsettings.json applies whatever the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. args, RegistryFrontend.NoConfigReload], ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddRegistryEnvironment();
WebApplication app;
try
{
    app = builder.AddRegistryClusterClient().AddRegistryHosting().AddRegistryFrontend().Build();
}
catch (Exception e) when (e is ConfigurationException or StorageSettingsException)
{
    await Console.Error.WriteLineAsync($"error: {e.Message}");
    return 1;
}

if (!await ArtifactStoreProbe.PassesAtStartUpAsync(app.Services))
{
    return 1;
}

app.UseRegistryHosting().MapRegistryFrontend();
await app.RunAsync();
return 0;
