using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRegistry.Changes;

namespace OrleansRegistry.Catalog;

/// <summary>How long the audit log keeps entries, bound from <c>Registry:Audit</c> (REGISTRY_AUDIT_RETENTION_DAYS).</summary>
public sealed class AuditRetentionOptions
{
    public const string Section = "Registry:Audit";

    /// <summary>Entries older than this many days are deleted; 0 keeps them forever.</summary>
    public int RetentionDays { get; set; } = 365;
}

/// <summary>
/// Enforces the audit log's retention: an hourly reminder deletes entries past it in batches and records the deletion
/// itself as one <c>audit.retention</c> entry. A reminder rather than a timer, so it survives its silo (the reminder
/// table is in PostgreSQL) and ticks on one silo only.
/// </summary>
[GrainType("audit-retention")]
public sealed partial class AuditRetentionGrain(
    AuditLog audit, IOptions<AuditRetentionOptions> options, TimeProvider clock, ILogger<AuditRetentionGrain> logger)
    : Grain, IAuditRetentionGrain, IRemindable
{
    public const string Action = "audit.retention";
    public const int BatchSize = 10_000;
    private const string Reminder = "purge";
    private static readonly TimeSpan Period = TimeSpan.FromHours(1);

    // The first tick soon after the first start, so a registry that was off for long catches up without waiting an hour.
    private static readonly TimeSpan FirstDue = TimeSpan.FromMinutes(1);

    // Deleted, but not yet in an audit.retention entry (its write failed): added to the next one.
    private long _unrecorded;

    private int RetentionDays => options.Value.RetentionDays;

    public async Task Start()
    {
        var existing = await this.GetReminder(Reminder);
        if (RetentionDays <= 0)
        {
            if (existing is not null)
            {
                await this.UnregisterReminder(existing);
            }

            return;
        }

        // Left as it is when registered: every silo start calls this, and re-registering would move the schedule.
        if (existing is null)
        {
            await this.RegisterOrUpdateReminder(Reminder, FirstDue, Period);
        }
    }

    public async Task<long> PurgeNow()
    {
        if (RetentionDays <= 0)
        {
            return 0;
        }

        var now = clock.GetUtcNow();
        var before = now.AddDays(-RetentionDays);
        var deleted = await audit.DeleteOlderThanAsync(before, BatchSize);
        if (deleted > 0)
        {
            LogDeleted(logger, deleted, before);
        }

        _unrecorded += deleted;
        if (_unrecorded > 0)
        {
            await audit.AddAsync(AuditRecord.Of(Actor.System, Action, "audit", now, new { Count = _unrecorded, Before = before, RetentionDays }));
            _unrecorded = 0;
        }

        return deleted;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => PurgeNow();

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit retention deleted {Count} entries older than {Before:O}")]
    private static partial void LogDeleted(ILogger logger, long count, DateTimeOffset before);
}
