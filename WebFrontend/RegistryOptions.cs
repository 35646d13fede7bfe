namespace OrleansRegistry.WebFrontend;

/// <summary>Frontend settings, bound from the <c>Registry</c> section (REGISTRY_* environment variables map onto it).</summary>
public sealed class RegistryOptions
{
    public const string Section = "Registry";

    public string DataDir { get; set; } = ".data";

    /// <summary>Token prefix of API keys (<c>reg_</c>).</summary>
    public string TokenPrefix { get; set; } = OrleansRegistry.ApiKeys.ApiKeyToken.DefaultPrefix;

    /// <summary>
    /// The registry's public base URL (e.g. https://registry.example.com) for absolute links such as Composer dist
    /// URLs; by default the scheme and host of each request.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>Names under which this registry serves providers in the network mirror protocol (besides its own address).</summary>
    public string? Hostnames { get; set; }

    /// <summary>How long a signed download URL stays valid.</summary>
    public TimeSpan SignedUrlLifetime { get; set; } = TimeSpan.FromMinutes(10);

    public long MaxModuleUploadBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>Largest provider platform zip accepted.</summary>
    public long MaxProviderUploadBytes { get; set; } = 500L * 1024 * 1024;
}
