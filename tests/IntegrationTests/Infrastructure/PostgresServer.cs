using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using OrleansRegistry.Silo.Migrations;

namespace OrleansRegistry.IntegrationTests.Infrastructure;

/// <summary>
/// A real PostgreSQL server for the whole test run: initdb into a temp dir, started on a free loopback port,
/// stopped and deleted at the end. Each test class gets its own database, migrated with the project's migrator.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"registry-pg-{Guid.NewGuid():N}");
    private string _bin = "";
    private int _databases;

    public int Port { get; private set; }

    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={Port};Database={database};Username=postgres;Pooling=true;Maximum Pool Size=20";

    public async Task InitializeAsync()
    {
        _bin = FindBin();
        Port = FreePort();
        Directory.CreateDirectory(_root);
        var data = Path.Combine(_root, "data");
        Directory.CreateDirectory(data);
        if (IsRoot)
        {
            // PostgreSQL refuses to run as root: hand the directory to the postgres account.
            await Run("chown", $"-R postgres {Quote(_root)}");
            await Run("chmod", $"755 {Quote(_root)}");
        }

        await RunPg("initdb", $"-D {Quote(data)} -U postgres -A trust --no-sync -E UTF8");
        await StartAsync();
    }

    /// <summary>Creates a fresh database with the registry schema applied.</summary>
    public async Task<string> CreateDatabaseAsync(bool migrate = true)
    {
        var name = $"registry_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid().ToString("N")[..6]}";
        await using (var admin = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = ConnectionString(name);
        if (migrate)
        {
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            await new Migrator(dataSource).ApplyAsync(TextWriter.Null);
        }

        return connectionString;
    }

    /// <summary>Stops the server at once (as a crash or an outage would), keeping its data for <see cref="StartAsync"/>.</summary>
    public async Task StopAsync()
    {
        await RunPg("pg_ctl", $"-D {Quote(Path.Combine(_root, "data"))} -m immediate -w stop");
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Starts the server again on the same port, after <see cref="StopAsync"/>.</summary>
    public Task StartAsync() =>
        RunPg("pg_ctl", $"-D {Quote(Path.Combine(_root, "data"))} -l {Quote(Path.Combine(_root, "postgres.log"))} -w -t 60 -o \"-p {Port} -k {_root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=600\" start");

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunPg("pg_ctl", $"-D {Quote(Path.Combine(_root, "data"))} -m immediate -w stop");
        }
        finally
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A free loopback port below Linux's ephemeral range (32768+), so outgoing connections of the tests
    /// (terraform, composer, Npgsql) cannot take it between now and the bind; never the same one twice.
    /// </summary>
    public static int FreePort()
    {
        lock (HandedOut)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var port = Random.Shared.Next(20_000, 32_000);
                if (!HandedOut.Add(port))
                {
                    continue;
                }

                try
                {
                    using var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    return port;
                }
                catch (SocketException)
                {
                    // In use: try another.
                }
            }
        }

        throw new InvalidOperationException("no free port found");
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static string Quote(string s) => $"'{s}'";

    private static string FindBin()
    {
        var configured = Environment.GetEnvironmentVariable("REGISTRY_PG_BIN");
        if (!string.IsNullOrEmpty(configured) && File.Exists(Path.Combine(configured, "initdb")))
        {
            return configured;
        }

        var found = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderByDescending(d => d).FirstOrDefault()
            : null;
        return found ?? throw new InvalidOperationException("PostgreSQL server binaries not found: install the 'postgresql' package or set REGISTRY_PG_BIN (scripts/test.sh does this)");
    }

    private Task RunPg(string tool, string arguments) =>
        IsRoot
            ? Run("runuser", $"-u postgres -- {Path.Combine(_bin, tool)} {arguments}")
            : Run(Path.Combine(_bin, tool), arguments);

    private static async Task Run(string file, string arguments)
    {
        var start = new ProcessStartInfo("/bin/sh", ["-c", $"{file} {arguments}"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} failed ({process.ExitCode}): {await stdout}{await stderr}");
        }
    }

    /// <summary>
    /// Closes the idle connections of a test's database. Orleans' ADO.NET providers open connections by connection
    /// string, in Npgsql's process-wide pools, which outlive the silo; a database per test otherwise leaves its pool
    /// open for minutes, and a long suite's pools add up past the server's connection limit.
    /// </summary>
    public static void ClosePool(string connectionString)
    {
        if (connectionString.Length > 0)
        {
            using var connection = new Npgsql.NpgsqlConnection(connectionString);
            Npgsql.NpgsqlConnection.ClearPool(connection);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
