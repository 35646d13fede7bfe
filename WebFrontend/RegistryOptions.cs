namespace OrleansRegistry.WebFrontend;

/// <summary>Frontend settings, bound from the <c>Registry</c> section (REGISTRY_* environment variables map onto it).</summary>
public sealed class RegistryOptions
{
    public const string Section = "Registry";

    public string DataDir { get; set; } = ".data";

    /// <summary>Token prefix of API keys (<c>reg_</c>).</summary>
    public string TokenPrefix { get; set; } = OrleansRegistry.ApiKeys.ApiKeyToken.DefaultPrefix;

    /// <summary>Secret for signed download URLs, base64; or a file holding it. Every frontend of a cluster must share it.</summary>
    public string? UrlSigningKey { get; set; }

    public string? UrlSigningKeyFile { get; set; }

    /// <summary>How long a signed download URL stays valid.</summary>
    public TimeSpan SignedUrlLifetime { get; set; } = TimeSpan.FromMinutes(10);

    public long MaxModuleUploadBytes { get; set; } = 100L * 1024 * 1024;
}
