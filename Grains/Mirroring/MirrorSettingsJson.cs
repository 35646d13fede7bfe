using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansRegistry.Mirroring;

/// <summary>
/// Stores <see cref="MirrorSettings"/> in the one flat shape stored mirrors have always had (every kind's fields side
/// by side, <c>Kind</c> a string): rows written before settings had a record per kind read back as they are, and
/// silos of the previous version read rows this one writes during a rolling upgrade.
/// </summary>
public sealed class MirrorSettingsJson : JsonConverter<MirrorSettings>
{
    public override MirrorSettings? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<StoredMirrorSettings>(ref reader, options)?.ToSettings();

    public override void Write(Utf8JsonWriter writer, MirrorSettings value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, StoredMirrorSettings.Of(value), options);

    /// <summary>The stored shape: the property names are the stored JSON's, so they do not change.</summary>
    private sealed record StoredMirrorSettings(
        string Kind,
        string Name,
        string UpstreamUrl,
        string? Hostname,
        string[]? Providers,
        string? Versions,
        string[]? Platforms,
        int IntervalMinutes,
        bool PullThrough,
        bool AllowInsecure,
        string? Namespace = null,
        string? Path = null,
        string? ModuleName = null,
        string? System = null,
        string? TagPattern = null,
        string[]? Packages = null,
        string? Mode = null,
        string? UserAgent = null)
    {
        public static StoredMirrorSettings Of(MirrorSettings s)
        {
            var providers = s.KindSettings as ProviderMirrorSettings;
            var module = s.KindSettings as ModuleGitSourceSettings;
            var git = s.KindSettings as IGitSourceSettings;
            var repository = s.KindSettings as ComposerRepositoryMirrorSettings;
            return new(
                s.Kind, s.Name, s.UpstreamUrl, providers?.Hostname ?? "", providers?.Providers ?? [], providers?.Versions, providers?.Platforms ?? [],
                s.IntervalMinutes, providers?.PullThrough ?? false, s.AllowInsecure, git?.Namespace, git?.Path, module?.ModuleName, module?.System,
                module?.TagPattern, repository?.Packages, repository?.Mode, repository?.UserAgent);
        }

        public MirrorSettings ToSettings() => new(Name, UpstreamUrl, IntervalMinutes, AllowInsecure, Kind switch
        {
            MirrorKinds.ComposerGit => new ComposerGitSourceSettings(Namespace, Path),
            MirrorKinds.TerraformModuleGit => new ModuleGitSourceSettings(Namespace, ModuleName, System, Path, TagPattern),
            MirrorKinds.ComposerRepository => new ComposerRepositoryMirrorSettings(Packages, Mode, UserAgent),
            MirrorKinds.TerraformProviders => new ProviderMirrorSettings(Hostname ?? "", Providers ?? [], Versions, Platforms ?? [], PullThrough),
            _ => throw new JsonException($"stored mirror settings have an unknown kind '{Kind}'"),
        });
    }
}
