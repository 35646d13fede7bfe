namespace OrleansRegistry.Mirroring;

/// <summary>
/// Validates and normalizes mirror settings by the rules of their kind; the error names the field and what is expected.
/// </summary>
public static class MirrorSettingsRules
{
    public const int DefaultIntervalMinutes = 60;
    private const int MaxIntervalMinutes = 7 * 24 * 60;

    public static (MirrorSettings? Settings, string? Error) Normalize(MirrorSettings s) => s.KindSettings switch
    {
        ProviderMirrorSettings providers => ProviderMirrorRules.Normalize(s, providers),
        ComposerGitSourceSettings composer => Git.GitSourceRules.Normalize(s, composer),
        ModuleGitSourceSettings module => Git.GitSourceRules.Normalize(s, module),
        ComposerRepositoryMirrorSettings repository => ComposerRepository.ComposerRepositoryRules.Normalize(s, repository),
        _ => Fail(MirrorKinds.UnknownKind(s.Kind)),
    };

    /// <summary>The interval as stored (0 asks for the default), or why it cannot be.</summary>
    public static (int Minutes, string? Error) Interval(int requested)
    {
        var interval = requested == 0 ? DefaultIntervalMinutes : requested;
        return interval is < 1 or > MaxIntervalMinutes
            ? (0, $"'interval_minutes' must be 1 to {MaxIntervalMinutes} (got {requested})")
            : (interval, null);
    }

    public static (MirrorSettings? Settings, string? Error) Fail(string error) => (null, error);
}
