namespace OrleansRegistry.WebFrontend.Hosting;

/// <summary>
/// Runs socket completions on the epoll thread that observed them instead of queueing each one to the thread pool
/// (the runtime's DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS): a request is answered without a hop through the
/// thread pool (see docs/performance.md#inline-socket-completions).
/// </summary>
/// <remarks>
/// Safe only while nothing in the process blocks a thread on I/O: a synchronous wait on a socket or a process pipe,
/// made on a completion thread, would stall every socket the process has. Registry code is async all the way.
/// The runtime reads the variable once, when the first socket is used, so this must run before anything connects.
/// An operator can still turn it off by setting the variable to 0.
/// </remarks>
public static class InlineSocketCompletions
{
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static void EnableUnlessSet()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }
    }
}
