using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.TestingHost;
using OrleansRegistry.Silo.Hosting;
using OrleansRegistry.Storage;

namespace OrleansRegistry.IntegrationTests.Infrastructure;

/// <summary>
/// Two silos in this process running the registry's grains as the real silo wires them
/// (<see cref="SiloSetup.AddRegistryGrains"/>), against a fresh migrated database of <see cref="PostgresServer"/>. The
/// test cluster brings its own clustering; reminders are in memory, artifacts in a temporary data directory.
/// </summary>
public sealed class GrainCluster : IAsyncDisposable
{
    private readonly string _dataDir;

    private GrainCluster(InProcessTestCluster cluster, string connectionString, string dataDir)
    {
        Cluster = cluster;
        ConnectionString = connectionString;
        _dataDir = dataDir;
    }

    public InProcessTestCluster Cluster { get; }

    /// <summary>The cluster's database: grain state (orleansstorage), read model and audit log.</summary>
    public string ConnectionString { get; }

    public IClusterClient Client => Cluster.Client;

    /// <summary>The artifact store the grains read, as the first silo has it (both share one directory).</summary>
    public IArtifactStore Store => Cluster.Silos[0].ServiceProvider.GetRequiredService<IArtifactStore>();

    /// <summary>The grain factory of silo <paramref name="index"/>, as a frontend hosted beside it would call grains.</summary>
    public IGrainFactory SiloGrains(int index) => Cluster.Silos[index].ServiceProvider.GetRequiredService<IGrainFactory>();

    public static async Task<GrainCluster> StartAsync(PostgresServer postgres)
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var dataDir = Path.Combine(Path.GetTempPath(), $"registry-grains-{Guid.NewGuid():N}");
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Registry:DataDir"] = dataDir,
            ["Registry:EncryptionKey"] = Convert.ToBase64String(new byte[32]),
        }).Build();

        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddRegistryGrains(config, connectionString);
            silo.UseInMemoryReminderService();
        });
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return new GrainCluster(cluster, connectionString, dataDir);
    }

    /// <summary>Runs <paramref name="sql"/> on the cluster's database.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The first column of the first row of <paramref name="sql"/> with parameters <c>$1</c>..., or null.</summary>
    public async Task<object?> QueryScalarAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        PostgresServer.ClosePool(ConnectionString);
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }
}
