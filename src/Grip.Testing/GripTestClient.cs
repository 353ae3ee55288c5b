using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Grip.Hosting.Development;
using Grip.Protocol;

namespace Grip.Testing;

/// <summary>
/// A fake WebSocket client connected through the development proxy to an in-process app. It sends
/// and receives like a browser would, and can also send pings and drop uncleanly.
/// </summary>
public sealed class GripTestClient : IAsyncDisposable
{
    private readonly WebSocket _socket;
    private readonly GripDevelopmentProxyConnection _connection;
    private readonly Channel<GripTestMessage> _inbox = Channel.CreateUnbounded<GripTestMessage>();
    private readonly Task _receiveLoop;
    private readonly TimeSpan _defaultTimeout;

    internal GripTestClient(WebSocket socket, GripDevelopmentProxyConnection connection, TimeSpan defaultTimeout)
    {
        _socket = socket;
        _connection = connection;
        _defaultTimeout = defaultTimeout;
        connection.ObserveControlFrames((type, payload) =>
            _inbox.Writer.TryWrite(new GripTestMessage(type == GripFrameType.Pong ? GripTestMessageKind.Pong : GripTestMessageKind.Ping, payload)));
        _receiveLoop = ReceiveLoopAsync();
    }

    /// <summary>The connection id the proxy gave this client (the handler's <c>GripConnection.Id</c>).</summary>
    public string ConnectionId => _connection.Id;

    /// <summary>The subprotocol the handler chose, if any.</summary>
    public string? Subprotocol => _socket.SubProtocol;

    /// <summary>The channels this connection is subscribed to now.</summary>
    public IReadOnlyCollection<string> Subscriptions => [.. _connection.GetSubscriptions().Keys];

    /// <summary>The filters of one subscription, or <see langword="null"/> when not subscribed.</summary>
    public IReadOnlyList<string>? GetSubscriptionFilters(string channel) =>
        _connection.GetSubscriptions().TryGetValue(channel, out var filters) ? filters : null;

    /// <summary>The connection meta the proxy keeps (set by the handler through <c>GripConnection.Meta</c>).</summary>
    public IReadOnlyDictionary<string, string> Meta => _connection.GetMeta();

    /// <summary>The subscription meta used by publish filters (for example <c>user</c> for skip-self).</summary>
    public IReadOnlyDictionary<string, string> SubscriptionMeta => _connection.GetSubscriptionMeta();

    /// <summary>Whether the handler detached the connection.</summary>
    public bool IsDetached => _connection.IsDetached;

    /// <summary>Sends a text message.</summary>
    public Task SendTextAsync(string text, CancellationToken cancellationToken = default) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    /// <summary>Sends a binary message.</summary>
    public Task SendBinaryAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        _socket.SendAsync(data, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).AsTask();

    /// <summary>Sends a ping frame; the handler's dispatcher answers with a pong (see <see cref="ReceiveAsync"/>).</summary>
    public Task SendPingAsync(ReadOnlyMemory<byte> payload = default)
    {
        _connection.SendClientPing(payload.Span);
        return Task.CompletedTask;
    }

    /// <summary>Closes with a code and reason and waits for the server's close frame.</summary>
    /// <returns>The close frame the server answered with.</returns>
    public async Task<GripTestMessage> CloseAsync(int code = 1000, string? reason = null, CancellationToken cancellationToken = default)
    {
        await _socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var message = await ReceiveAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            if (message.Kind == GripTestMessageKind.Close)
            {
                return message;
            }
        }
    }

    /// <summary>Drops the connection without a close frame (the handler sees a DISCONNECT).</summary>
    public void Drop() => _socket.Abort();

    /// <summary>Waits for the next thing received.</summary>
    /// <exception cref="TimeoutException">Nothing arrived in time (default 5 s).</exception>
    public async Task<GripTestMessage> ReceiveAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout ?? _defaultTimeout);
        try
        {
            return await _inbox.Reader.ReadAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Client {ConnectionId} received nothing within {(timeout ?? _defaultTimeout).TotalSeconds:0.###} s.");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"Client {ConnectionId} is closed and received nothing more.");
        }
    }

    /// <summary>Waits for the next message and requires it to be text.</summary>
    public async Task<string> ReceiveTextAsync(TimeSpan? timeout = null)
    {
        var message = await ReceiveAsync(timeout).ConfigureAwait(false);
        return message.Kind == GripTestMessageKind.Text
            ? message.Text
            : throw new InvalidOperationException($"Expected a text message, received {message}.");
    }

    /// <summary>Waits for the next message and requires it to be binary.</summary>
    public async Task<byte[]> ReceiveBinaryAsync(TimeSpan? timeout = null)
    {
        var message = await ReceiveAsync(timeout).ConfigureAwait(false);
        return message.Kind == GripTestMessageKind.Binary
            ? message.Data
            : throw new InvalidOperationException($"Expected a binary message, received {message}.");
    }

    /// <summary>Requires that nothing arrives within <paramref name="wait"/> (default 300 ms).</summary>
    public async Task AssertNothingReceivedAsync(TimeSpan? wait = null)
    {
        using var cts = new CancellationTokenSource(wait ?? TimeSpan.FromMilliseconds(300));
        try
        {
            var message = await _inbox.Reader.ReadAsync(cts.Token).ConfigureAwait(false);
            throw new InvalidOperationException($"Client {ConnectionId} expected nothing but received {message}.");
        }
        catch (OperationCanceledException)
        {
        }
        catch (ChannelClosedException)
        {
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            _socket.Abort();
        }

        try
        {
            await _receiveLoop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }

        _socket.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, CancellationToken.None).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _inbox.Writer.TryWrite(new GripTestMessage(GripTestMessageKind.Close, [], (int?)result.CloseStatus, result.CloseStatusDescription));
                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    var kind = result.MessageType == WebSocketMessageType.Text ? GripTestMessageKind.Text : GripTestMessageKind.Binary;
                    _inbox.Writer.TryWrite(new GripTestMessage(kind, message.ToArray()));
                    message.SetLength(0);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // Dropped or aborted: the inbox completes below.
        }
        finally
        {
            _inbox.Writer.TryComplete();
        }
    }
}
