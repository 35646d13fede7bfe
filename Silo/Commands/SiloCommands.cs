using OrleansRegistry.Storage;
using OrleansRegistry.WebFrontend.Health;

namespace OrleansRegistry.Silo.Commands;

/// <summary>The silo's command line: run the registry (the default), or one of its maintenance commands.</summary>
public static class SiloCommands
{
    public const string Usage =
        "usage: Silo [run] | health | migrate | migrate status | check-db | storage check | storage copy --to KIND | apikey create --name N --scopes a,b [--namespaces x,y] [--expires-at T]";

    public static async Task<int> RunAsync(string[] args, IConfiguration configuration)
    {
        string ConnectionString() => RegistryDatabase.ConnectionString(configuration);
        switch (args)
        {
            case [HealthCommand.Name]:
                return await HealthCommand.RunAsync(configuration);
            case ["migrate"]:
                return await DatabaseCommands.MigrateAsync(ConnectionString());
            case ["migrate", "status"]:
                return await DatabaseCommands.StatusAsync(ConnectionString());
            case ["check-db"]:
                return await DatabaseCommands.CheckAsync(ConnectionString());
            case ["storage", "check"]:
                return await StorageCommands.CheckAsync(configuration);
            case ["storage", "copy", .. var copyArgs]:
                return await StorageCopyCommand.RunAsync(copyArgs, configuration, ConnectionString());
            case ["apikey", "create", .. var rest]:
                return await ApiKeyCommands.CreateAsync(rest, configuration, ConnectionString());
            case [] or ["run", ..]:
                if (await DatabaseCommands.ProblemAsync(ConnectionString()) is { } problem)
                {
                    Console.Error.WriteLine($"error: {problem}");
                    return 1;
                }

                var host = RegistryHost.Build(args is ["run", .. var runArgs] ? runArgs : args);
                if (!await ArtifactStoreProbe.PassesAtStartUpAsync(host.Services))
                {
                    return 1;
                }

                await host.RunAsync();
                return 0;
            default:
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }
}
