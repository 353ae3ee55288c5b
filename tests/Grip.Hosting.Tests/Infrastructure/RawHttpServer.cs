using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Grip.Hosting.Tests.Infrastructure;

/// <summary>
/// A scripted HTTP/1.1 server on a raw loopback socket (dynamic port): it counts the connections it
/// accepts and hands each to <c>serve</c>, which reads requests and writes whatever bytes the test wants
/// (malformed ones included). Stops and closes everything on dispose.
/// </summary>
public sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<RawHttpConnection, Task> _serve;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly List<RawHttpConnection> _acceptedConnections = [];
    private readonly Task _accepting;
    private int _accepted;

    public RawHttpServer(Func<RawHttpConnection, Task> serve)
    {
        _serve = serve;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    public Uri Uri(string pathAndQuery = "/publish/") => new($"http://127.0.0.1:{Port}{pathAndQuery}");

    /// <summary>The connections accepted so far, in order.</summary>
    public IReadOnlyList<RawHttpConnection> Connections
    {
        get
        {
            lock (_connections)
            {
                return [.. _acceptedConnections];
            }
        }
    }

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>A server that answers every request on a connection with the same bytes, keeping it open.</summary>
    public static RawHttpServer Answering(string response) => new(async c =>
    {
        while (await c.ReadRequestAsync() is not null)
        {
            await c.WriteAsync(response);
        }
    });

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll(connections).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            int index = Interlocked.Increment(ref _accepted) - 1;
            var connection = new RawHttpConnection(socket, index, _stop.Token);
            lock (_connections)
            {
                _acceptedConnections.Add(connection);
                _connections.Add(ServeAsync(connection));
            }
        }
    }

    private async Task ServeAsync(RawHttpConnection connection)
    {
        await Task.Yield();
        using (connection)
        {
            try
            {
                await _serve(connection);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException or IOException)
            {
                // The client went away or the server stops: what the test checks is on the client's side.
            }
        }
    }
}

/// <summary>One accepted connection of a <see cref="RawHttpServer"/>.</summary>
public sealed class RawHttpConnection(Socket socket, int index, CancellationToken stopping) : IDisposable
{
    private readonly List<byte> _pending = [];

    /// <summary>0 for the first connection the server accepted, and so on.</summary>
    public int Index { get; } = index;

    /// <summary>Every request read on this connection, as the bytes that arrived.</summary>
    public List<byte[]> Requests { get; } = [];

    public CancellationToken Stopping { get; } = stopping;

    /// <summary>Reads one request (head, then a Content-Length body); null at the end of the stream.</summary>
    public async Task<byte[]?> ReadRequestAsync()
    {
        int headEnd;
        while ((headEnd = IndexOf(_pending, "\r\n\r\n"u8)) < 0)
        {
            if (!await ReceiveAsync())
            {
                return null;
            }
        }

        string head = Encoding.Latin1.GetString([.. _pending.GetRange(0, headEnd)]);
        int length = 0;
        foreach (string line in head.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                length = int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        int total = headEnd + 4 + length;
        while (_pending.Count < total)
        {
            if (!await ReceiveAsync())
            {
                return null;
            }
        }

        byte[] request = [.. _pending.GetRange(0, total)];
        _pending.RemoveRange(0, total);
        Requests.Add(request);
        return request;
    }

    public async Task WriteAsync(string text) => await WriteAsync(Encoding.Latin1.GetBytes(text));

    public async Task WriteAsync(byte[] bytes) => await socket.SendAsync(bytes, SocketFlags.None, Stopping);

    /// <summary>Closes the connection (a FIN: the client reads the end of the stream).</summary>
    public void Close()
    {
        socket.Shutdown(SocketShutdown.Both);
        socket.Close();
    }

    /// <summary>Aborts the connection (linger 0: the client sees a reset).</summary>
    public void Reset()
    {
        socket.LingerState = new LingerOption(true, 0);
        socket.Close();
    }

    /// <summary>Waits until the client closes its side (the end of the stream), or the server stops.</summary>
    public async Task WaitForCloseAsync()
    {
        while (await ReceiveAsync())
        {
        }
    }

    public void Dispose() => socket.Dispose();

    private async Task<bool> ReceiveAsync()
    {
        var buffer = new byte[4096];
        int read = await socket.ReceiveAsync(buffer, SocketFlags.None, Stopping);
        _pending.AddRange(buffer.AsSpan(0, read));
        return read > 0;
    }

    private static int IndexOf(List<byte> bytes, ReadOnlySpan<byte> pattern)
    {
        for (int i = 0; i + pattern.Length <= bytes.Count; i++)
        {
            int j = 0;
            while (j < pattern.Length && bytes[i + j] == pattern[j])
            {
                j++;
            }

            if (j == pattern.Length)
            {
                return i;
            }
        }

        return -1;
    }
}
