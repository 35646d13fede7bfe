using OrleansRegistry.IntegrationTests.Infrastructure;

namespace OrleansRegistry.IntegrationTests;

/// <summary>A silo given an unusable memory setting refuses to start and says which setting, rather than running with it.</summary>
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
}
