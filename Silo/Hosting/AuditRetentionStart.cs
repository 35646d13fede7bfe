using OrleansRegistry.Catalog;
using OrleansRegistry.WebFrontend.Hosting;

namespace OrleansRegistry.Silo.Hosting;

/// <summary>
/// Gives the audit retention grain its first call on every silo start, which registers its hourly reminder (or removes
/// it when retention is off). In the background, retried until it succeeds: a silo starts even while the database
/// is briefly unreachable, and the reminder, once registered, lives in PostgreSQL for every later start.
/// </summary>
public sealed partial class AuditRetentionStart(IGrainFactory grains, ILogger<AuditRetentionStart> logger) : BackgroundService
{
    public const string Setting = "Registry:Audit:RetentionDays";
    public const string Variable = "REGISTRY_AUDIT_RETENTION_DAYS";
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);

    /// <summary>Checks the setting at start-up, so a bad value stops the process with one line naming it.</summary>
    public static void Validate(IConfiguration configuration) => CountSetting.Read(configuration, Setting, Variable, 365);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await grains.GetGrain<IAuditRetentionGrain>(0).Start();
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogRetry(logger, e, RetryAfter);
            }

            try
            {
                await Task.Delay(RetryAfter, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not start audit retention; trying again in {RetryAfter}")]
    private static partial void LogRetry(ILogger logger, Exception exception, TimeSpan retryAfter);
}
