using System.Collections.Concurrent;
using System.Diagnostics;

namespace OrleansRegistry.IntegrationTests.Chaos;

/// <summary>One client operation of the load: what, when, and whether the client saw it succeed.</summary>
public sealed record ClientOperation(string Kind, DateTime Started, DateTime Ended, bool Succeeded, string Detail);

/// <summary>A window of the chaos run: what was done to the cluster, and when the broken node was declared dead.</summary>
public sealed record ChaosPhase(string Name, DateTime Started, DateTime Ended, DateTime? DeclaredDead, TimeSpan? Recovery)
{
    public IEnumerable<ClientOperation> Of(IEnumerable<ClientOperation> operations) =>
        operations.Where(o => o.Started >= Started && o.Started < Ended);
}

/// <summary>Client loops run side by side until stopped, every operation recorded.</summary>
public sealed class ChaosLoad : IDisposable
{
    private readonly ConcurrentQueue<ClientOperation> _operations = new();
    private readonly List<Task> _loops = [];
    private readonly CancellationTokenSource _stop = new();

    public IReadOnlyCollection<ClientOperation> Operations => _operations;

    /// <summary>Runs <paramref name="operation"/> again and again (each with its own number) until <see cref="StopAsync"/>.</summary>
    public void Loop(string kind, Func<int, Task<(bool Succeeded, string Detail)>> operation, TimeSpan pause)
    {
        _loops.Add(Task.Run(async () =>
        {
            for (var i = 0; !_stop.IsCancellationRequested; i++)
            {
                var started = DateTime.UtcNow;
                (bool Succeeded, string Detail) result;
                try
                {
                    result = await operation(i);
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
                {
                    result = (false, e.Message);
                }

                _operations.Enqueue(new ClientOperation(kind, started, DateTime.UtcNow, result.Succeeded, result.Detail));
                await Task.Delay(pause);
            }
        }));
    }

    /// <summary>Stops the loops after the operations in flight end.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
    }

    public void Dispose() => _stop.Dispose();

    /// <summary>A phase: runs <paramref name="act"/> (which returns when the node was declared dead, if it kills one), then lets the load run on.</summary>
    public static async Task<ChaosPhase> PhaseAsync(string name, Func<Task<DateTime?>> act, TimeSpan settle)
    {
        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var declared = await act();
        var recovery = clock.Elapsed;
        await Task.Delay(settle);
        return new ChaosPhase(name, started, DateTime.UtcNow, declared, recovery);
    }
}
