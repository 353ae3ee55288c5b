using System.Net;
using System.Net.Sockets;

namespace Grip.Hosting.Tests.Infrastructure;

/// <summary>
/// A loopback listener that never accepts, with its backlog filled: the kernel drops further SYNs, so a
/// connect to <see cref="Port"/> neither succeeds nor is refused (it hangs until the client gives up).
/// </summary>
public sealed class FullBacklogListener : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly List<Socket> _fillers = [];

    private FullBacklogListener()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(0);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
    }

    public int Port { get; }

    public static async Task<FullBacklogListener> StartAsync()
    {
        var listener = new FullBacklogListener();
        for (int i = 0; i < 8; i++)
        {
            var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener._fillers.Add(filler);
            using var attempt = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            try
            {
                await filler.ConnectAsync(IPAddress.Loopback, listener.Port, attempt.Token);
            }
            catch (OperationCanceledException)
            {
                break; // this connect hangs: the backlog is full
            }
        }

        return listener;
    }

    public void Dispose()
    {
        foreach (var filler in _fillers)
        {
            filler.Dispose();
        }

        _listener.Dispose();
    }
}
