namespace OrleansRegistry.Terraform;

/// <summary>Versions a mirror fetched and verified against its upstream, recorded as they are.</summary>
public sealed partial class ProviderGrain
{
    public async Task<int> Import(ProviderImport[] versions)
    {
        // A sync offers what it has; only what is new is written (and only then are frontends told).
        var added = versions.Sum(v => NewPlatforms(v).Length);
        if (added == 0)
        {
            return 0;
        }

        var now = clock.GetUtcNow();
        await Changes.CommitAsync(s =>
        {
            s.ChangedAt = NextChange(now);
            foreach (var import in versions)
            {
                Import(s, import, now);
            }
        });
        return added;
    }

    /// <summary>
    /// The platforms an import adds: all of a new version's; of a stored one, those it lacks, if the SHA256SUMS is the
    /// same file (platforms fetched by a later sync belong to the same signed release only then).
    /// </summary>
    private ProviderPlatform[] NewPlatforms(ProviderImport import) =>
        state.State.Versions.GetValueOrDefault(import.Version) is not { } existing ? import.Platforms
        : existing.Sha256SumsKey != import.Sha256SumsKey ? []
        : [.. import.Platforms.Where(p => !existing.Platforms.Any(e => e.Os == p.Os && e.Arch == p.Arch))];

    /// <summary>Adds a mirrored version, or the platforms a later sync fetched of it.</summary>
    private void Import(ProviderState s, ProviderImport import, DateTimeOffset now)
    {
        var missing = NewPlatforms(import);
        if (s.Versions.GetValueOrDefault(import.Version) is { } existing)
        {
            existing.Platforms.AddRange(missing);
            return;
        }

        if (missing.Length > 0)
        {
            s.Versions[import.Version] = new ProviderVersionRecord
            {
                Version = import.Version,
                Protocols = import.Protocols,
                Platforms = [.. import.Platforms],
                Sha256SumsKey = import.Sha256SumsKey,
                SignatureKey = import.SignatureKey,
                KeyId = import.KeyId,
                KeyArmor = SharedArmor(import.KeyArmor),
                PublishedAt = now,
                PublishedBy = $"mirror:{import.MirrorId}",
            };
        }
    }
}
