using OrleansRegistry.ApiKeys;
using OrleansRegistry.WebFrontend;
using Microsoft.Extensions.Options;

namespace OrleansRegistry.Silo.Hosting;

/// <summary>
/// On first start, creates the admin key: the value of REGISTRY_BOOTSTRAP_ADMIN_KEY when set, else a random one
/// written to <c>&lt;data dir&gt;/bootstrap-admin.key</c> (mode 0600). Runs after the silo started; the bootstrap
/// grain makes it happen once per deployment however many silos start together.
/// </summary>
public sealed partial class BootstrapAdminKey(IGrainFactory grains, IConfiguration configuration, IOptions<RegistryOptions> options, ILogger<BootstrapAdminKey> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var prefix = options.Value.TokenPrefix;
        var configured = configuration["Registry:BootstrapAdminKey"];
        ApiKeyToken token;
        if (!string.IsNullOrEmpty(configured))
        {
            token = ApiKeyToken.TryParse(configured, prefix)
                ?? throw new InvalidOperationException($"REGISTRY_BOOTSTRAP_ADMIN_KEY must have the form {prefix}<key id>_<secret> (key id: a-z0-9, secret: 16+ letters or digits)");
        }
        else
        {
            token = ApiKeyToken.Generate();
        }

        var result = await grains.GetGrain<IBootstrapGrain>("admin").EnsureAdminKey(token.KeyId, token.SecretHash());
        if (!result.Created)
        {
            if (!string.IsNullOrEmpty(configured) && result.KeyId != token.KeyId)
            {
                LogIgnored(logger, result.KeyId);
            }

            return;
        }

        if (!string.IsNullOrEmpty(configured))
        {
            LogCreatedFromEnvironment(logger, token.KeyId);
            return;
        }

        var dataDir = Path.GetFullPath(configuration["Registry:DataDir"] ?? ".data");
        Directory.CreateDirectory(dataDir);
        var path = Path.Combine(dataDir, "bootstrap-admin.key");
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var fileOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = ownerOnly;
        }

        await using (var file = new FileStream(path, fileOptions))
        await using (var writer = new StreamWriter(file))
        {
            await writer.WriteLineAsync(token.Format(prefix));
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, ownerOnly);
        }
        LogCreated(logger, token.KeyId, path);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bootstrap admin key {KeyId} created; the key is in {Path} (mode 0600)")]
    private static partial void LogCreated(ILogger logger, string keyId, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bootstrap admin key {KeyId} created from REGISTRY_BOOTSTRAP_ADMIN_KEY")]
    private static partial void LogCreatedFromEnvironment(ILogger logger, string keyId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "REGISTRY_BOOTSTRAP_ADMIN_KEY ignored: admin key {KeyId} was bootstrapped earlier")]
    private static partial void LogIgnored(ILogger logger, string keyId);
}
