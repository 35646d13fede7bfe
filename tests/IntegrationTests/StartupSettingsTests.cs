using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests;

/// <summary>A process given an unusable setting refuses to start and says which setting, rather than running with it.</summary>
[Collection(PostgresCollection.Name)]
public sealed class StartupSettingsTests(PostgresServer postgres)
{
    [Theory]
    [InlineData("Registry__IdleDeactivationAfter", "00:00:05", "Registry:IdleDeactivationAfter must be at least 10 seconds")]
    [InlineData("Registry__DirectoryCacheSize", "-1", "Registry:DirectoryCacheSize must be 0 or more")]
    public async Task A_silo_with_an_unusable_setting_exits_naming_it(string name, string value, string message)
    {
        var environment = RegistryProcess.SiloEnvironment(await postgres.CreateDatabaseAsync());
        environment[name] = value;

        await using var silo = RegistryProcess.Start("Silo.dll", environment);

        var exitCode = await silo.ExitCodeWithinAsync(TimeSpan.FromSeconds(90));
        Assert.True(exitCode is not null, $"the silo kept running with {name}={value}:\n{silo.Output}");
        Assert.NotEqual(0, exitCode);
        Assert.Contains(message, silo.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Silo.dll", "REGISTRY_STORAGE_KIND", "ftp", "error: REGISTRY_STORAGE_KIND (Registry:Storage:Kind) 'ftp' is not supported; use local, s3, azure or gcs")]
    [InlineData("OrleansRegistry.WebFrontend.dll", "REGISTRY_STORAGE_KIND", "ftp", "error: REGISTRY_STORAGE_KIND (Registry:Storage:Kind) 'ftp' is not supported; use local, s3, azure or gcs")]
    [InlineData("Silo.dll", "REGISTRY_STORAGE_DOWNLOADS", "redirect", "error: REGISTRY_STORAGE_DOWNLOADS=redirect needs an object store")]
    [InlineData("Silo.dll", "REGISTRY_STORAGE_REDIRECT_LIFETIME", "8d", "error: REGISTRY_STORAGE_REDIRECT_LIFETIME (Registry:Storage:RedirectLifetime) '8d' is not a duration between 1s and 6d")]
    [InlineData("OrleansRegistry.WebFrontend.dll", "REGISTRY_STORAGE_S3_BUCKET", "", "error: REGISTRY_STORAGE_S3_BUCKET is required for an S3 store")]
    [InlineData("Silo.dll", "REGISTRY_TRUSTED_PROXIES", "10.0.0.0/8,ingress.local", "error: REGISTRY_TRUSTED_PROXIES: 'ingress.local' is neither an IP address nor a CIDR network")]
    [InlineData("OrleansRegistry.WebFrontend.dll", "REGISTRY_TRUSTED_PROXIES", "10.0.0.0/33", "error: REGISTRY_TRUSTED_PROXIES: '10.0.0.0/33' is neither an IP address nor a CIDR network")]
    [InlineData("Silo.dll", "REGISTRY_AUDIT_RETENTION_DAYS", "-1", "error: REGISTRY_AUDIT_RETENTION_DAYS (Registry:Audit:RetentionDays) must be a whole number, 0 or more, not '-1'")]
    [InlineData("OrleansRegistry.WebFrontend.dll", "REGISTRY_OIDC_ISSUER_URL", "https://login.example.com", "error: REGISTRY_OIDC_CLIENT_ID is not set: OIDC sign-in needs")]
    [InlineData("Silo.dll", "REGISTRY_OIDC_GROUP_ROLES", "platform=acme:viewer", "error: REGISTRY_OIDC_ISSUER_URL is not set")]
    [InlineData("Silo.dll", "REGISTRY_SMTP_HOST", "smtp.example.test", "error: REGISTRY_SMTP_FROM (Registry:Smtp:From) must be set when REGISTRY_SMTP_HOST is")]
    [InlineData("Silo.dll", "REGISTRY_APIKEY_EXPIRY_WARNING_DAYS", "14,-1", "error: REGISTRY_APIKEY_EXPIRY_WARNING_DAYS (Registry:ApiKeyExpiryWarnings:Days) must be positive numbers of days separated by commas (14,7,1) or none, not '14,-1'")]
    [InlineData("OrleansRegistry.WebFrontend.dll", "REGISTRY_AUDIT_AUTH_FAILURES_PER_MINUTE", "lots", "error: REGISTRY_AUDIT_AUTH_FAILURES_PER_MINUTE (Registry:Audit:AuthFailuresPerMinute) must be a whole number, 0 or more, not 'lots'")]
    public async Task A_process_with_unusable_settings_exits_with_one_line_naming_the_setting(string assembly, string name, string value, string message)
    {
        var environment = RegistryProcess.SiloEnvironment(await postgres.CreateDatabaseAsync());
        environment[name] = value;
        if (name.StartsWith("REGISTRY_STORAGE_S3_", StringComparison.Ordinal))
        {
            environment["REGISTRY_STORAGE_KIND"] = "s3";
        }

        await using var process = RegistryProcess.Start(assembly, environment);

        Assert.Equal(1, await process.ExitCodeWithinAsync(TimeSpan.FromSeconds(90)));
        Assert.Contains(message, process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", process.Output, StringComparison.Ordinal);
    }
}
