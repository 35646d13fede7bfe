using Npgsql;
using OrleansRegistry.IntegrationTests.Infrastructure;
using OrleansRegistry.Silo.Commands;
using OrleansRegistry.Silo.Migrations;

namespace OrleansRegistry.IntegrationTests;

[Collection(PostgresCollection.Name)]
public class MigrationTests(PostgresServer postgres)
{
    [Fact]
    public async Task Migrate_applies_everything_once_and_is_idempotent()
    {
        var connectionString = await postgres.CreateDatabaseAsync(migrate: false);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        Assert.Contains("pending", await DatabaseCommands.ProblemAsync(connectionString), StringComparison.Ordinal);

        var first = await new Migrator(dataSource).ApplyAsync(TextWriter.Null);
        Assert.Equal(Migrator.All.Select(m => m.Version), first.Select(m => m.Version));
        Assert.Empty(await new Migrator(dataSource).ApplyAsync(TextWriter.Null));
        Assert.All(await new Migrator(dataSource).StatusAsync(), s => Assert.True(s.Applied && !s.Modified));
        Assert.Null(await DatabaseCommands.ProblemAsync(connectionString));

        // The Orleans contract: 20 queries the ADO.NET providers load at startup.
        await using var count = dataSource.CreateCommand("SELECT count(*) FROM OrleansQuery");
        Assert.Equal(20L, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task A_failing_migration_is_rolled_back_whole_and_named()
    {
        var connectionString = await postgres.CreateDatabaseAsync(migrate: false);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        Migration[] migrations =
        [
            new(1, "good", "CREATE TABLE first_table (x int);"),
            new(2, "broken", "CREATE TABLE half_done (x int);\nINSERT INTO no_such_table VALUES (1);"),
        ];

        var e = await Assert.ThrowsAsync<MigrationFailedException>(() => new Migrator(dataSource, migrations).ApplyAsync(TextWriter.Null));
        Assert.Contains("0002_broken", e.Message, StringComparison.Ordinal);
        Assert.Contains("no_such_table", e.Message, StringComparison.Ordinal);

        await using var tables = dataSource.CreateCommand("SELECT to_regclass('first_table') IS NOT NULL, to_regclass('half_done') IS NOT NULL");
        await using var reader = await tables.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.True(reader.GetBoolean(0));
        Assert.False(reader.GetBoolean(1));
        var status = await new Migrator(dataSource, migrations).StatusAsync();
        Assert.True(status[0].Applied);
        Assert.False(status[1].Applied);
    }

    [Fact]
    public async Task Check_db_names_an_unreachable_database()
    {
        var problem = await DatabaseCommands.ProblemAsync($"Host=127.0.0.1;Port={PostgresServer.FreePort()};Database=nope;Username=postgres;Timeout=3");
        Assert.Contains("cannot reach database nope", problem, StringComparison.Ordinal);
    }
}
