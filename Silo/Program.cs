using OrleansRegistry.Silo;
using OrleansRegistry.Silo.Commands;
using OrleansRegistry.WebFrontend.Hosting;

// Silo [run] | health | migrate | migrate status | check-db | storage check | storage copy --to KIND | apikey create ...
InlineSocketCompletions.EnableUnlessSet();
var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddRegistryEnvironment().Build();

try
{
    return await SiloCommands.RunAsync(args, configuration);
}
catch (Exception e) when (e is ConfigurationException or OrleansRegistry.Storage.StorageSettingsException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
