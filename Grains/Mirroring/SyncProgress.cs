using System.Collections.Concurrent;

namespace OrleansRegistry.Mirroring;

/// <summary>What a running sync has done so far; updated from download tasks, read by the mirror grain.</summary>
public sealed class SyncProgress(string mirrorId, int maxErrors = 50)
{
    private readonly ConcurrentQueue<string> _errors = new();
    private int _versionsAdded;
    private int _platformsAdded;
    private int _platformsSkipped;
    private int _platformsFailed;
    private int _versionsSkipped;
    private int _versionsFailed;
    private int _errorCount;

    public int ErrorCount => _errorCount;

    public MirrorSyncCounts Counts => new(_versionsAdded, _platformsAdded, _platformsSkipped, _platformsFailed, _versionsSkipped, _versionsFailed);

    /// <summary>Git sources: ref → commit as published, starting from the last sync's.</summary>
    public ConcurrentDictionary<string, string> Refs { get; } = new(StringComparer.Ordinal);

    public string[] Errors => [.. _errors];

    public void Added(int versions, int platforms)
    {
        Interlocked.Add(ref _versionsAdded, versions);
        Interlocked.Add(ref _platformsAdded, platforms);
    }

    public void Skipped(int platforms) => Interlocked.Add(ref _platformsSkipped, platforms);

    /// <summary>A Git ref that is already published as it is: costs nothing.</summary>
    public void VersionSkipped() => Interlocked.Increment(ref _versionsSkipped);

    public void VersionFailed(string error)
    {
        Interlocked.Increment(ref _versionsFailed);
        Error(error);
    }

    /// <summary>An item (platform) failed verification or download; nothing of it was published.</summary>
    public void Failed(int platforms, string error)
    {
        Interlocked.Add(ref _platformsFailed, platforms);
        Error(error);
    }

    /// <summary>An error that is not one platform's: listing, discovery, an unreachable upstream.</summary>
    public void Error(string error)
    {
        Interlocked.Increment(ref _errorCount);
        MirrorMetrics.SyncErrors.WithLabels(mirrorId).Inc();
        if (_errors.Count < maxErrors)
        {
            _errors.Enqueue(error);
        }
    }

    /// <summary>succeeded: no error; partial: errors, but something was added or already there; failed: nothing usable.</summary>
    public string Result =>
        _errorCount == 0 ? "succeeded" : _versionsAdded > 0 || _platformsAdded > 0 || _platformsSkipped > 0 || _versionsSkipped > 0 ? "partial" : "failed";
}
