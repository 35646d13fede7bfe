using System.Diagnostics;
using System.Net.Sockets;

namespace OrleansRegistry.IntegrationTests.Infrastructure;

/// <summary>The servers the fixture starts as child processes (s3rver, azurite, the GCS emulator): up when they listen, down when killed.</summary>
public static class ServerProcesses
{
    /// <summary>Returns once something accepts connections on <paramref name="port"/>; the connection error after 30 s or when the process exited.</summary>
    public static async Task WaitUntilListeningAsync(Process process, int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Kills the process and its children, as an outage looks to the registry (connections refused).</summary>
    public static async Task StopAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
