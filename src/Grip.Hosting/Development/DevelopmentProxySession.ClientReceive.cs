using System.Buffers;
using System.Net.WebSockets;
using Grip.Protocol;

namespace Grip.Hosting.Development;

/// <summary>
/// The client side of the session: every frame the client sends becomes a WebSocket-over-HTTP
/// event in the queue the pump sends to the origin. Emulates Pushpin 1.36's
/// <c>WebSocketOverHttp</c> (src/proxy/websocketoverhttp.cpp), which queues client messages while
/// a request is in flight, and its handling of a client close and a vanished client (DISCONNECT).
/// </summary>
internal sealed partial class DevelopmentProxySession
{
    private readonly List<(WebSocketEventType Type, byte[]? Content)> _queue = [];
    private readonly SemaphoreSlim _queueSignal = new(0);

    /// <summary>Sends a PING event to the origin, as Pushpin does for a client's ping frame.</summary>
    public void EnqueueClientPing(byte[]? payload) => Enqueue(WebSocketEventType.Ping, payload is { Length: > 0 } ? payload : null);

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var socket = _socket!;
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var message = new ArrayBufferWriter<byte>();
        try
        {
            while (true)
            {
                ValueWebSocketReceiveResult result;
                try
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
                {
                    // The client vanished: a broken connection, or the request aborted (which aborts the
                    // socket, so the pending receive is cancelled). Either way the origin hears DISCONNECT,
                    // unless the session itself is being torn down.
                    if (!_lifetime.IsCancellationRequested)
                    {
                        Enqueue(WebSocketEventType.Disconnect, null);
                    }

                    return;
                }

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    bool detachedNow;
                    lock (_state)
                    {
                        detachedNow = _detached;
                    }

                    if (detachedNow)
                    {
                        // The origin is out of the loop: complete the close handshake here.
                        await CloseClientAsync((int?)socket.CloseStatus ?? 1000, null, cancellationToken).ConfigureAwait(false);
                        return;
                    }

                    int? code = (int?)socket.CloseStatus;
                    byte[]? content = code is { } c ? DevelopmentProxyOrigin.EncodeClose(c, socket.CloseStatusDescription is { Length: > 0 } d ? d : null) : null;
                    Enqueue(WebSocketEventType.Close, content);
                    return;
                }

                message.Write(buffer.AsSpan(0, result.Count));
                if (!result.EndOfMessage)
                {
                    continue;
                }

                bool detached;
                lock (_state)
                {
                    detached = _detached;
                }

                if (!detached)
                {
                    var type = result.MessageType == WebSocketMessageType.Text ? WebSocketEventType.Text : WebSocketEventType.Binary;

                    // Pushpin sends an empty message as an event without content.
                    Enqueue(type, message.WrittenCount == 0 ? null : message.WrittenSpan.ToArray());
                }

                message.Clear();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Enqueue(WebSocketEventType type, byte[]? content)
    {
        lock (_state)
        {
            _queue.Add((type, content));
        }

        _queueSignal.Release();
    }
}
