using System.Diagnostics;

namespace OrleansRegistry.IntegrationTests.Infrastructure;

/// <summary>
/// A real S3 server for the tests: s3rver from npm (scripts/test.sh installs it and exports REGISTRY_TEST_S3RVER, the
/// path of its s3rver.js), on a free loopback port, with the bucket <see cref="Bucket"/> created at start.
/// </summary>
public sealed class S3Server : IStorageServer
{
    public const string Bucket = "registry";

    /// <summary>s3rver accepts any well-formed signature made with these.</summary>
    public const string AccessKeyId = "S3RVER";
    public const string SecretAccessKey = "S3RVER";

    private readonly string _directory;
    private Process _process;

    private S3Server(Process process, string directory, int port) => (_process, _directory, Port) = (process, directory, port);

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    public string Kind => "s3";

    public Dictionary<string, string?> RegistrySettings(string? prefix = null) => new()
    {
        ["Registry:Storage:Kind"] = "s3",
        ["Registry:Storage:Prefix"] = prefix,
        ["Registry:Storage:S3:Bucket"] = Bucket,
        ["Registry:Storage:S3:Endpoint"] = Endpoint,
        ["Registry:Storage:S3:ForcePathStyle"] = "true",
        ["Registry:Storage:S3:AuthMethod"] = "static",
        ["Registry:Storage:S3:AccessKeyId"] = AccessKeyId,
        ["Registry:Storage:S3:SecretAccessKey"] = SecretAccessKey,
    };

    public Dictionary<string, string> RegistryEnvironment() => new()
    {
        ["REGISTRY_STORAGE_KIND"] = "s3",
        ["REGISTRY_STORAGE_S3_BUCKET"] = Bucket,
        ["REGISTRY_STORAGE_S3_ENDPOINT"] = Endpoint,
        ["REGISTRY_STORAGE_S3_FORCE_PATH_STYLE"] = "true",
        ["REGISTRY_STORAGE_S3_AUTH_METHOD"] = "static",
        ["REGISTRY_STORAGE_S3_ACCESS_KEY_ID"] = AccessKeyId,
        ["REGISTRY_STORAGE_S3_SECRET_ACCESS_KEY"] = SecretAccessKey,
    };

    public static async Task<S3Server> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"s3rver-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var port = PostgresServer.FreePort();
        var server = new S3Server(Launch(directory, port), directory, port);
        await server.WaitUntilListeningAsync();
        return server;
    }

    /// <summary>Kills the server, as an outage of the store would look to the registry (connections refused).</summary>
    public Task StopAsync() => ServerProcesses.StopAsync(_process);

    /// <summary>The same server back, on its port with its objects.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        _process.Dispose();
        _process = Launch(_directory, Port);
        await WaitUntilListeningAsync();
    }

    private static Process Launch(string directory, int port)
    {
        var script = Environment.GetEnvironmentVariable("REGISTRY_TEST_S3RVER") is { Length: > 0 } path && File.Exists(path)
            ? path
            : throw new InvalidOperationException("REGISTRY_TEST_S3RVER must name s3rver's bin/s3rver.js (scripts/test.sh installs s3rver from npm and sets it)");
        return Process.Start(new ProcessStartInfo("node", [script, "-d", directory, "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-s", "--configure-bucket", Bucket]))
            ?? throw new InvalidOperationException("node is not installed");
    }

    private Task WaitUntilListeningAsync() => ServerProcesses.WaitUntilListeningAsync(_process, Port);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
