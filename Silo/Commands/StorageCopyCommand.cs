using Npgsql;
using OrleansRegistry.Storage;
using OrleansRegistry.Storage.Copying;

namespace OrleansRegistry.Silo.Commands;

/// <summary>
/// <c>Silo storage copy --to KIND</c>: copies every artifact the registry refers to from its store
/// (<c>REGISTRY_STORAGE_*</c>) into another (<c>REGISTRY_TARGET_STORAGE_*</c>), verified, and says what to set to switch.
/// Run it while the registry runs, then again after stopping writes (or after the switch, pointing back): each run
/// copies only what is not there yet.
/// </summary>
public static class StorageCopyCommand
{
    private const string TargetSection = "Registry:TargetStorage";

    public static async Task<int> RunAsync(string[] args, IConfiguration configuration, string connectionString)
    {
        if (args is not ["--to", var kind])
        {
            Console.Error.WriteLine("usage: Silo storage copy --to local|s3|azure|gcs   (the target's settings: REGISTRY_TARGET_STORAGE_*, named as REGISTRY_STORAGE_*)");
            return 2;
        }

        var dataDir = configuration["Registry:DataDir"] ?? ".data";
        var targetSettings = configuration.GetSection(TargetSection);
        targetSettings["Kind"] = kind;
        IArtifactStore source, target;
        try
        {
            source = StorageServiceCollectionExtensions.CreateStore(configuration.GetSection(StorageOptions.Section), "REGISTRY_STORAGE", dataDir, out var sourceOptions);
            target = StorageServiceCollectionExtensions.CreateStore(targetSettings, "REGISTRY_TARGET_STORAGE", dataDir, out _);
            Console.WriteLine($"copying from the {sourceOptions.Kind} store to the {kind} store");
        }
        catch (StorageSettingsException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }

        foreach (var (name, store) in new[] { ("source", source), ("target", target) })
        {
            if (await ArtifactStoreProbe.ProblemAsync(store, CancellationToken.None) is { } problem)
            {
                Console.Error.WriteLine($"error: the {name} store failed its check: {problem}");
                return 1;
            }
        }

        try
        {
            return await CopyAsync(source, target, kind, connectionString);
        }
        catch (Exception e) when (e is NpgsqlException or ArtifactStoreUnavailableException)
        {
            Console.Error.WriteLine($"error: {e.Message}; what was copied stays, run the command again");
            return 1;
        }
    }

    private static async Task<int> CopyAsync(IArtifactStore source, IArtifactStore target, string kind, string connectionString)
    {
        var keys = await ReadReferencedKeysAsync(connectionString);
        Console.WriteLine($"{keys.Count} artifacts are referenced by the registry");
        var done = 0;
        var report = await new ArtifactCopier(source, target).CopyAsync(keys, _ =>
        {
            if (Interlocked.Increment(ref done) % 100 == 0)
            {
                Console.WriteLine($"  {done} of {keys.Count}");
            }
        }, CancellationToken.None);

        Console.WriteLine($"copied {report.Copied}, already there {report.AlreadyThere} (both verified by SHA-256)");
        foreach (var key in report.MissingFromSource)
        {
            Console.Error.WriteLine($"warning: {key} is referenced but missing from the source store; it was not copied");
        }

        foreach (var failure in report.Failed)
        {
            Console.Error.WriteLine($"error: {failure}");
        }

        if (report.Failed.Count > 0)
        {
            Console.Error.WriteLine($"{report.Failed.Count} artifacts failed to copy; run the command again to retry them (what was copied stays)");
            return 1;
        }

        Console.WriteLine("to switch, stop the registry and start it with the target's settings:");
        foreach (var line in SwitchSettings(kind))
        {
            Console.WriteLine($"  {line}");
        }

        return report.MissingFromSource.Count > 0 ? 3 : 0;
    }

    /// <summary>Every artifact key in the grains' stored state (JSON, the storage serializer's).</summary>
    private static async Task<HashSet<string>> ReadReferencedKeysAsync(string connectionString)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("SELECT payloadbinary FROM orleansstorage WHERE payloadbinary IS NOT NULL");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ReferencedArtifacts.CollectFrom(reader.GetFieldValue<byte[]>(0), keys);
        }

        return keys;
    }

    /// <summary>
    /// The target's REGISTRY_TARGET_STORAGE_* variables as the REGISTRY_STORAGE_* ones that make it the registry's
    /// store (secrets by reference), and the source's own that must go: a prefix or download mode left over from the
    /// source would point the registry at nothing.
    /// </summary>
    private static IEnumerable<string> SwitchSettings(string kind)
    {
        const string Target = "REGISTRY_TARGET_STORAGE_", Current = "REGISTRY_STORAGE_";
        var variables = Environment.GetEnvironmentVariables().Keys.OfType<string>().Order(StringComparer.Ordinal).ToList();
        var switched = new SortedDictionary<string, string>(StringComparer.Ordinal) { [Current + "KIND"] = kind };
        foreach (var variable in variables.Where(v => v.StartsWith(Target, StringComparison.Ordinal) && v != Target + "KIND"))
        {
            var secret = variable.Contains("SECRET", StringComparison.Ordinal) || variable.EndsWith("ACCOUNT_KEY", StringComparison.Ordinal)
                || variable.EndsWith("CONNECTION_STRING", StringComparison.Ordinal);
            switched[Current + variable[Target.Length..]] = secret ? $"<the value of {variable}>" : Environment.GetEnvironmentVariable(variable)!;
        }

        foreach (var (name, value) in switched)
        {
            yield return $"{name}={value}";
        }

        var stale = variables.Where(v => v.StartsWith(Current, StringComparison.Ordinal) && !switched.ContainsKey(v)).ToList();
        if (stale.Count > 0)
        {
            yield return $"and unset {string.Join(", ", stale)}";
        }
    }
}
