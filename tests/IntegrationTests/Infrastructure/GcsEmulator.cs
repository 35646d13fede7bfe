using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace OrleansRegistry.IntegrationTests.Infrastructure;

/// <summary>
/// A Cloud Storage server for the tests: the Cloud Storage emulator of the Firebase emulator suite (npm firebase-tools;
/// scripts/test.sh installs it and exports REGISTRY_TEST_FIREBASE, the path of its firebase bin script), on a free
/// loopback port, with the bucket <see cref="Bucket"/>.
/// <para>
/// <c>firebase emulators:start --only storage</c> cannot run offline: the CLI insists on Java 21 and downloads the
/// security-rules runtime (a jar) from storage.googleapis.com before it starts. The rules only guard the Firebase SDK's
/// API; the emulator's Cloud Storage JSON API (all the registry uses) is admin-only and never consults them. So a small
/// launcher starts the emulator's own server (its createApp) without the rules runtime.
/// </para>
/// <para>
/// The launcher also answers, itself, exactly the calls the emulator gets wrong, in front of it: a resumable upload
/// sent in several chunks (the emulator finalizes the object on the first PUT, ignoring Content-Range), so chunks are
/// kept here and handed on whole with the last; and buckets (the emulator makes any bucket it is asked about and has
/// no bucket get or insert), so a bucket exists only once created.
/// </para>
/// </summary>
public sealed class GcsEmulator : IStorageServer
{
    public const string Bucket = "registry";

    /// <summary>The launcher (gcs-emulator.js, next to the test assembly): the emulator's server, and the gaps filled in front of it.</summary>
    private static string Launcher => Path.Combine(AppContext.BaseDirectory, "Infrastructure", "gcs-emulator.js");

    private readonly Process _process;
    private readonly string _directory;

    private GcsEmulator(Process process, string directory, int port) => (_process, _directory, Port) = (process, directory, port);

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>A service account key made for the tests: the client signs its own tokens and URLs with it, which the emulator does not check.</summary>
    public string CredentialsFile => Path.Combine(_directory, "service-account.json");

    public string Kind => "gcs";

    public Dictionary<string, string?> RegistrySettings(string? prefix = null) => new()
    {
        ["Registry:Storage:Kind"] = "gcs",
        ["Registry:Storage:Prefix"] = prefix,
        ["Registry:Storage:Gcs:Bucket"] = Bucket,
        ["Registry:Storage:Gcs:Endpoint"] = Endpoint,
        ["Registry:Storage:Gcs:CredentialsFile"] = CredentialsFile,
    };

    public Dictionary<string, string> RegistryEnvironment() => new()
    {
        ["REGISTRY_STORAGE_KIND"] = "gcs",
        ["REGISTRY_STORAGE_GCS_BUCKET"] = Bucket,
        ["REGISTRY_STORAGE_GCS_ENDPOINT"] = Endpoint,
        ["REGISTRY_STORAGE_GCS_CREDENTIALS_FILE"] = CredentialsFile,
    };

    public static async Task<GcsEmulator> StartAsync()
    {
        var bin = Environment.GetEnvironmentVariable("REGISTRY_TEST_FIREBASE") is { Length: > 0 } path && File.Exists(path)
            ? path
            : throw new InvalidOperationException("REGISTRY_TEST_FIREBASE must name firebase-tools' firebase bin script (scripts/test.sh installs firebase-tools from npm and sets it)");
        // The bin script is lib/bin/firebase.js of the package (through node_modules/.bin's link).
        var package = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(new FileInfo(bin).ResolveLinkTarget(true)?.FullName ?? bin)!, "..", ".."));
        var directory = Path.Combine(Path.GetTempPath(), $"gcs-emulator-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "service-account.json"), ServiceAccountKey());
        var port = PostgresServer.FreePort();
        var start = new ProcessStartInfo("node", [Launcher, package, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), Bucket]);
        // The emulator keeps object bytes under the temporary directory: one of its own, so emulators do not share them.
        start.Environment["TMPDIR"] = directory;
        var process = Process.Start(start) ?? throw new InvalidOperationException("node is not installed");
        var server = new GcsEmulator(process, directory, port);
        await ServerProcesses.WaitUntilListeningAsync(process, port);
        return server;
    }

    private static string ServiceAccountKey()
    {
        using var rsa = RSA.Create(2048);
        return JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["type"] = "service_account",
            ["project_id"] = "demo-registry",
            ["private_key_id"] = "test",
            ["private_key"] = rsa.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = "registry@demo-registry.iam.gserviceaccount.com",
            ["client_id"] = "1",
            ["token_uri"] = "https://oauth2.googleapis.com/token",
        });
    }

    public Task StopAsync() => ServerProcesses.StopAsync(_process);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
