namespace OrleansRegistry.IntegrationTests.Infrastructure;

/// <summary>Content that stops after <paramref name="gateAt"/> bytes until <see cref="Open"/>: the test acts while an upload is under way.</summary>
public sealed class GatedStream(byte[] content, int gateAt) : MemoryStream(content, writable: false)
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Open() => _open.TrySetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Position >= gateAt)
        {
            Reached.TrySetResult();
            await _open.Task.WaitAsync(cancellationToken);
        }

        return await base.ReadAsync(Position < gateAt ? buffer[..(int)Math.Min(buffer.Length, gateAt - Position)] : buffer, cancellationToken);
    }
}
