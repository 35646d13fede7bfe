namespace OrleansRegistry.WebFrontend.Hosting;

/// <summary>
/// Maps the documented REGISTRY_* environment variables onto configuration keys, so scripts, Helm and tests
/// configure every process the same way (standard <c>Section__Key</c> variables keep working too).
/// </summary>
public static class RegistryEnvironment
{
    private static readonly (string Variable, string Key)[] Map =
    [
        ("REGISTRY_DATA_DIR", "Registry:DataDir"),
        ("REGISTRY_HTTP_PORT", "Registry:HttpPort"),
        ("REGISTRY_HTTPS_PORT", "Registry:HttpsPort"),
        ("REGISTRY_METRICS_PORT", "Registry:MetricsPort"),
        ("REGISTRY_LISTEN_ADDRESS", "Registry:ListenAddress"),
        ("REGISTRY_TLS_CERT", "Registry:Tls:CertificatePath"),
        ("REGISTRY_TLS_KEY", "Registry:Tls:KeyPath"),
        ("REGISTRY_URL_SIGNING_KEY", "Registry:UrlSigningKey"),
        ("REGISTRY_URL_SIGNING_KEY_FILE", "Registry:UrlSigningKeyFile"),
        ("REGISTRY_ENCRYPTION_KEY", "Registry:EncryptionKey"),
        ("REGISTRY_ENCRYPTION_KEY_FILE", "Registry:EncryptionKeyFile"),
        ("REGISTRY_HOSTNAMES", "Registry:Hostnames"),
        ("REGISTRY_PUBLIC_URL", "Registry:PublicUrl"),
        ("REGISTRY_ALLOWED_HOSTS", "Registry:AllowedHosts"),
        ("REGISTRY_TOKEN_PREFIX", "Registry:TokenPrefix"),
        ("REGISTRY_BOOTSTRAP_ADMIN_KEY", "Registry:BootstrapAdminKey"),
        ("REGISTRY_MAX_MODULE_BYTES", "Registry:MaxModuleUploadBytes"),
        ("REGISTRY_RATE_LIMIT_PER_HOUR", "Registry:RateLimit:DefaultPerHour"),
        ("REGISTRY_DB", "ConnectionStrings:Registry"),
        ("REGISTRY_SILO_PORT", "Orleans:SiloPort"),
        ("REGISTRY_GATEWAY_PORT", "Orleans:GatewayPort"),
        ("REGISTRY_ADVERTISED_IP", "Orleans:AdvertisedIP"),
        ("REGISTRY_CLUSTER_ID", "Orleans:ClusterId"),
        ("REGISTRY_SERVICE_ID", "Orleans:ServiceId"),
        ("REGISTRY_ROLE", "Registry:Role"),
        ("REGISTRY_DASHBOARD", "Registry:Dashboard"),
        ("REGISTRY_SHUTDOWN_DRAIN_DELAY", "Registry:ShutdownDrainDelay"),
        ("REGISTRY_STALE_IF_ERROR", "Registry:DocumentCache:StaleIfError"),
        ("REGISTRY_TRUSTED_PROXIES", "Registry:TrustedProxies"),
        ("REGISTRY_DESIRED_SILOS", "Registry:DesiredSilos"),
        ("REGISTRY_AUDIT_RETENTION_DAYS", "Registry:Audit:RetentionDays"),
        ("REGISTRY_AUDIT_AUTH_FAILURES_PER_MINUTE", "Registry:Audit:AuthFailuresPerMinute"),
        ("REGISTRY_OIDC_ISSUER_URL", "Registry:Oidc:IssuerUrl"),
        ("REGISTRY_OIDC_CLIENT_ID", "Registry:Oidc:ClientId"),
        ("REGISTRY_OIDC_CLIENT_SECRET", "Registry:Oidc:ClientSecret"),
        ("REGISTRY_OIDC_REDIRECT_URL", "Registry:Oidc:RedirectUrl"),
        ("REGISTRY_OIDC_SCOPES", "Registry:Oidc:Scopes"),
        ("REGISTRY_OIDC_GROUPS_CLAIM", "Registry:Oidc:GroupsClaim"),
        ("REGISTRY_OIDC_GROUP_ROLES", "Registry:Oidc:GroupRoles"),
        ("REGISTRY_OIDC_SESSION_LIFETIME", "Registry:Oidc:SessionLifetime"),
        ("REGISTRY_OIDC_TERRAFORM_TOKEN_LIFETIME", "Registry:Oidc:TerraformTokenLifetime"),
        ("REGISTRY_SMTP_HOST", "Registry:Smtp:Host"),
        ("REGISTRY_SMTP_PORT", "Registry:Smtp:Port"),
        ("REGISTRY_SMTP_USERNAME", "Registry:Smtp:Username"),
        ("REGISTRY_SMTP_PASSWORD", "Registry:Smtp:Password"),
        ("REGISTRY_SMTP_FROM", "Registry:Smtp:From"),
        ("REGISTRY_SMTP_SECURITY", "Registry:Smtp:Security"),
        ("REGISTRY_APIKEY_EXPIRY_WARNING_DAYS", "Registry:ApiKeyExpiryWarnings:Days"),
        ("REGISTRY_APIKEY_EXPIRY_WARNING_TO", "Registry:ApiKeyExpiryWarnings:To"),
    ];

    /// <summary>
    /// Storage settings by family: <c>REGISTRY_STORAGE_KIND</c> → <c>Registry:Storage:Kind</c>,
    /// <c>REGISTRY_STORAGE_S3_FORCE_PATH_STYLE</c> → <c>Registry:Storage:S3:FORCEPATHSTYLE</c> (keys bind case-insensitively).
    /// </summary>
    private static readonly (string Prefix, string Section)[] Families =
    [
        ("REGISTRY_STORAGE_S3_", "Registry:Storage:S3"),
        ("REGISTRY_STORAGE_AZURE_", "Registry:Storage:Azure"),
        ("REGISTRY_STORAGE_GCS_", "Registry:Storage:Gcs"),
        ("REGISTRY_STORAGE_LOCAL_", "Registry:Storage:Local"),
        ("REGISTRY_STORAGE_", "Registry:Storage"),
        // The store `Silo storage copy` copies into, described the same way.
        ("REGISTRY_TARGET_STORAGE_S3_", "Registry:TargetStorage:S3"),
        ("REGISTRY_TARGET_STORAGE_AZURE_", "Registry:TargetStorage:Azure"),
        ("REGISTRY_TARGET_STORAGE_GCS_", "Registry:TargetStorage:Gcs"),
        ("REGISTRY_TARGET_STORAGE_LOCAL_", "Registry:TargetStorage:Local"),
        ("REGISTRY_TARGET_STORAGE_", "Registry:TargetStorage"),
    ];

    public static IConfigurationBuilder AddRegistryEnvironment(this IConfigurationBuilder configuration)
    {
        var values = Map
            .Select(m => (m.Key, Value: Environment.GetEnvironmentVariable(m.Variable)))
            .Where(m => !string.IsNullOrEmpty(m.Value))
            .ToDictionary(m => m.Key, m => m.Value);
        foreach (var variable in Environment.GetEnvironmentVariables().Keys.OfType<string>())
        {
            if (Families.FirstOrDefault(f => variable.StartsWith(f.Prefix, StringComparison.Ordinal)) is { Prefix: not null } family
                && Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value)
            {
                values[$"{family.Section}:{variable[family.Prefix.Length..].Replace("_", "", StringComparison.Ordinal)}"] = value;
            }
        }

        return configuration.AddInMemoryCollection(values);
    }
}
