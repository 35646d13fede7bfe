using OrleansRegistry.IntegrationTests.Infrastructure;
using OrleansRegistry.WebFrontend.Hosting;

namespace OrleansRegistry.IntegrationTests;

/// <summary>
/// A registry process runs socket completions inline unless its operator says otherwise. The runtime shows it in one
/// place outside the process: inline completions get one epoll thread (".NET Sockets") per processor, the default one.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SocketCompletionTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_node_completes_sockets_inline_by_default_and_not_when_the_variable_says_0()
    {
        Assert.True(Environment.ProcessorCount >= 2, "one processor gets one socket engine either way: this test needs two");

        Assert.Equal(Environment.ProcessorCount, await SocketEngineThreadsAsync(settings: null));
        Assert.Equal(1, await SocketEngineThreadsAsync(new Dictionary<string, string> { [InlineSocketCompletions.Variable] = "0" }));
    }

    private async Task<int> SocketEngineThreadsAsync(Dictionary<string, string>? settings)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), $"registry-sockets-{Guid.NewGuid():N}");
        var tls = TestCertificates.Create(Path.Combine(dataDir, "tls"));
        await using var node = await RegistryNode.StartAsync(await postgres.CreateDatabaseAsync(), dataDir, tls, tls.CaPath, settings: settings);
        return Directory.GetDirectories($"/proc/{node.ProcessId}/task")
            .Count(task => File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') == ".NET Sockets");
    }
}
