using Microsoft.Extensions.Logging;

namespace OrleansRegistry.ApiKeys;

/// <summary>The frontends holding a lease of this key, told to drop it when the key is revoked or changed.</summary>
public sealed partial class ApiKeyGrain
{
    private static readonly TimeSpan DropTimeout = TimeSpan.FromSeconds(5);
    private readonly Dictionary<GrainId, (IApiKeyLeaseHolder Holder, DateTimeOffset Until)> _holders = [];

    private void RememberHolder(IApiKeyLeaseHolder holder, DateTimeOffset until) => _holders[holder.GetGrainId()] = (holder, until);

    /// <summary>
    /// Tells every frontend whose lease may still run to drop it. A frontend that cannot be told (it crashed, or the
    /// call times out) still stops using its lease when it expires.
    /// </summary>
    private async Task DropLeasesAsync()
    {
        var now = clock.GetUtcNow();
        var live = _holders.Values.Where(h => h.Until > now).Select(h => h.Holder).ToList();
        _holders.Clear();
        _principal = null;
        await Task.WhenAll(live.Select(async holder =>
        {
            try
            {
                await holder.Drop(this.GetPrimaryKeyString()).WaitAsync(DropTimeout);
            }
            catch (Exception e) when (e is TimeoutException or OrleansException)
            {
                LogDropFailed(logger, this.GetPrimaryKeyString(), e.Message);
            }
        }));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell a frontend to drop its lease of API key {KeyId} (it expires by itself): {Reason}")]
    private static partial void LogDropFailed(ILogger logger, string keyId, string reason);
}
