namespace OrleansRegistry.Catalog;

/// <summary>Why a presented API key was refused (the <c>reason</c> of an <c>auth.failed</c> entry).</summary>
public static class AuthFailureReasons
{
    public const string UnknownKey = "unknown_key";
    public const string WrongSecret = "wrong_secret";
    public const string Revoked = "revoked";
    public const string Expired = "expired";
    public const string Malformed = "malformed";

    /// <summary>A browser sign-in through OIDC that failed (its cause is in the frontend's log).</summary>
    public const string SignInFailed = "signin_failed";
}

/// <summary>A refused API key as a frontend saw it: never the secret, only the key id it named (null: malformed).</summary>
[GenerateSerializer, Immutable, Alias("auth-failure")]
public sealed record AuthFailureEvent(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string? KeyId,
    [property: Id(2)] string Reason,
    [property: Id(3)] string? ClientIp,
    [property: Id(4)] string Path);

/// <summary>
/// How many failures a frontend counted but did not record (past its per-minute limit) in the minute starting at
/// <see cref="WindowStart"/>, reported at <see cref="At"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("auth-failure-summary")]
public sealed record AuthFailureSummary(
    [property: Id(0)] DateTimeOffset WindowStart,
    [property: Id(1)] long Count,
    [property: Id(2)] DateTimeOffset At);

[GenerateSerializer, Immutable, Alias("auth-failure-batch")]
public sealed record AuthFailureBatch(
    [property: Id(0)] AuthFailureEvent[] Failures,
    [property: Id(1)] AuthFailureSummary[] Summaries);

/// <summary>
/// Writes what frontends report into the audit log. Frontends hold no database connection; this stateless grain is
/// their way in, and it accepts only authentication failures, so a frontend cannot write other actions.
/// </summary>
[Alias("audit-writer")]
public interface IAuditWriterGrain : IGrainWithIntegerKey
{
    [Alias("auth-failures")]
    Task RecordAuthFailures(AuthFailureBatch batch);
}

/// <summary>
/// Deletes audit entries older than the retention period (REGISTRY_AUDIT_RETENTION_DAYS), hourly by a reminder.
/// One activation cluster-wide (key 0), so two silos never purge at once.
/// </summary>
[Alias("audit-retention")]
public interface IAuditRetentionGrain : IGrainWithIntegerKey
{
    /// <summary>Registers the hourly reminder unless it exists (or removes it when retention is off); called at silo start.</summary>
    [Alias("start")]
    Task Start();

    /// <summary>Deletes what is past retention now, as the reminder does; returns how many entries were deleted.</summary>
    [Alias("purge-now")]
    Task<long> PurgeNow();
}
