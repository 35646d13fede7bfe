using Orleans.Concurrency;
using OrleansRegistry.Changes;

namespace OrleansRegistry.Catalog;

/// <summary>
/// Stores the authentication failures frontends report. Stateless, so every silo takes a frontend's batch locally;
/// the entries are built here from typed reports, so the actions and the shape of their details are fixed.
/// </summary>
[StatelessWorker, GrainType("audit-writer")]
public sealed class AuditWriterGrain(AuditLog audit) : Grain, IAuditWriterGrain
{
    /// <summary>Who refused requests act as: nobody the registry knows.</summary>
    public static readonly Actor Anonymous = new("anonymous", "anonymous");

    public const string FailedAction = "auth.failed";
    public const string SuppressedAction = "auth.failed.suppressed";

    public Task RecordAuthFailures(AuthFailureBatch batch)
    {
        var entries = new List<AuditRecord>(batch.Failures.Length + batch.Summaries.Length);
        foreach (var failure in batch.Failures)
        {
            entries.Add(AuditRecord.Of(Anonymous, FailedAction, failure.KeyId ?? "-", failure.At,
                new { failure.Reason, failure.ClientIp, failure.Path }));
        }

        foreach (var summary in batch.Summaries)
        {
            entries.Add(AuditRecord.Of(Anonymous, SuppressedAction, "-", summary.At,
                new { summary.Count, summary.WindowStart }));
        }

        return audit.AddManyAsync(entries);
    }
}
