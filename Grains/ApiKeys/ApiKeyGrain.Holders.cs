using Microsoft.Extensions.Logging;
using OrleansRegistry.Caching;

namespace OrleansRegistry.ApiKeys;

/// <summary>The frontends holding a lease of this key, told to drop it when the key is revoked or changed.</summary>
public sealed partial class ApiKeyGrain
{
    private readonly HolderSet<IApiKeyLeaseHolder> _holders = new(clock);

    private void RememberHolder(IApiKeyLeaseHolder holder, DateTimeOffset until) => _holders.Remember(holder, until);

    /// <summary>
    /// Tells every frontend whose lease may still run to drop it. A frontend that cannot be told (it crashed, or the
    /// call times out) still stops using its lease when it expires.
    /// </summary>
    private Task DropLeasesAsync()
    {
        _principal = null;
        var keyId = KeyId;
        return _holders.DropAllAsync(holder => holder.Drop(keyId), e => LogDropFailed(logger, keyId, e.Message));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell a frontend to drop its lease of API key {KeyId} (it expires by itself): {Reason}")]
    private static partial void LogDropFailed(ILogger logger, string keyId, string reason);
}
