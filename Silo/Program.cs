using OrleansRegistry.Silo;
using OrleansRegistry.Silo.Commands;
using OrleansRegistry.WebFrontend.Hosting;

// Silo [run] | migrate | migrate status | check-db | storage check | apikey create ...
InlineSocketCompletions.EnableUnlessSet();
var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddRegistryEnvironment().Build();

try
{
    return await SiloCommands.RunAsync(args, configuration);
}
catch (ConfigurationException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
