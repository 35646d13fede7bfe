namespace OrleansRegistry.IntegrationTests.Infrastructure.Ui;

/// <summary>
/// The browser tests: one Chromium for all of them, and a PostgreSQL of their own for the registries whose pages they
/// open. Their tests run one after another (a collection's tests always do), which also keeps Chromium from competing
/// with itself for the machine.
/// </summary>
[CollectionDefinition(Name)]
public sealed class UiCollection : ICollectionFixture<UiBrowser>, ICollectionFixture<PostgresServer>
{
    public const string Name = "ui";
}
