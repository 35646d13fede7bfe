using Microsoft.Extensions.Options;
using OrleansRegistry.Storage;

namespace OrleansRegistry.Silo.Commands;

/// <summary><c>Silo storage check</c>: the start-up probe of the artifact store, on demand, with the same settings.</summary>
public static class StorageCommands
{
    public static async Task<int> CheckAsync(IConfiguration configuration)
    {
        using var services = new ServiceCollection()
            .AddArtifactStore(configuration, configuration["Registry:DataDir"] ?? ".data")
            .BuildServiceProvider();
        var kind = services.GetRequiredService<IOptions<StorageOptions>>().Value.Kind;
        if (await ArtifactStoreProbe.ProblemAsync(services.GetRequiredService<IArtifactStore>(), CancellationToken.None) is { } problem)
        {
            Console.Error.WriteLine($"error: the artifact store ({kind}) failed the check: {problem}");
            return 1;
        }

        Console.WriteLine($"artifact store ({kind}): a probe was written, read back and deleted");
        return 0;
    }
}
