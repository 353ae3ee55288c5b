using System.Net.WebSockets;
using System.Text;
using Grip.Protocol;
using Microsoft.Extensions.Logging;

namespace Grip.Hosting.Development;

/// <summary>
/// One client WebSocket held by the development proxy: the session's state, its lifetime and what
/// the hub and the test kit ask of it. Emulates Pushpin 1.36's WebSocket-over-HTTP session
/// (src/proxy/wsproxysession.cpp with src/proxy/websocketoverhttp.cpp) together with the handler's
/// per-connection state (src/handler/wssession.cpp). Where Pushpin fails silently, this logs
/// loudly and then behaves the same way. One job per file:
/// <list type="bullet">
/// <item><c>DevelopmentProxySession.ClientReceive.cs</c>: the client's frames become queued events.</item>
/// <item><c>DevelopmentProxySession.OriginPump.cs</c>: queued events go to the origin, one request at a time, batched.</item>
/// <item><c>DevelopmentProxySession.OriginResponse.cs</c>: the origin's answer (headers, events, GRIP prefixes).</item>
/// <item><c>DevelopmentProxySession.Control.cs</c>: control messages, read by <see cref="GripControlMessage.TryParse(ReadOnlySpan{byte}, out GripControlMessage?, out string?)"/>.</item>
/// <item><c>DevelopmentProxySession.Timers.cs</c>: keep-alive and delayed-send timers.</item>
/// <item><c>DevelopmentProxySession.ClientSend.cs</c>: frames, published messages and closes to the client.</item>
/// <item><c>DevelopmentProxySubscriptions.cs</c>: channels, subscription meta, whether a publish reaches the connection, and content filters.</item>
/// <item><c>DevelopmentProxySession.Log.cs</c>: the log lines.</item>
/// </list>
/// </summary>
internal sealed partial class DevelopmentProxySession : IAsyncDisposable
{
    private readonly DevelopmentProxyOrigin _origin;
    private readonly DevelopmentProxyHub _hub;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly DevelopmentProxySubscriptions _subscriptions;
    private readonly Lock _state = new();
    private readonly CancellationTokenSource _lifetime = new();

    private WebSocket? _socket;
    private bool _gripMode;
    private byte[] _messagePrefix = "m:"u8.ToArray();
    private bool _detached;
    private volatile bool _finished;

    public DevelopmentProxySession(
        string id,
        string pathAndQuery,
        string host,
        IReadOnlyList<KeyValuePair<string, string>> handshakeHeaders,
        DevelopmentProxyOrigin origin,
        DevelopmentProxyHub hub,
        GripDevelopmentProxyOptions options,
        TimeProvider time,
        ILogger logger)
    {
        Id = id;
        _pathAndQuery = pathAndQuery;
        _host = host;
        _handshakeHeaders = handshakeHeaders;
        _origin = origin;
        _hub = hub;
        _time = time;
        _logger = logger;
        _subscriptions = new DevelopmentProxySubscriptions(options.MaxSubscriptionsPerConnection);
    }

    public string Id { get; }

    /// <summary>An in-process client's tag (its <see cref="GripDevelopmentProxy.ClientTagHeader"/> handshake header), if any.</summary>
    public string? ClientTag { get; init; }

    /// <summary>
    /// Receives the ping and pong frames the origin sends (PING and PONG events). A browser WebSocket
    /// cannot be sent control frames through ASP.NET Core's API, so only in-process clients observe
    /// them (<see cref="GripDevelopmentProxyConnection.ObserveControlFrames"/>).
    /// </summary>
    public Action<GripFrameType, byte[]>? ControlFrameObserver { get; set; }

    /// <summary>Whether the connection has ended.</summary>
    public bool IsFinished => _finished;

    /// <summary>The channels the connection is subscribed to, with their filters.</summary>
    public IReadOnlyDictionary<string, string[]> GetSubscriptions() => _subscriptions.SnapshotChannels();

    /// <summary>The connection meta the proxy stores (<c>Set-Meta-*</c>).</summary>
    public IReadOnlyDictionary<string, string> GetMeta()
    {
        lock (_state)
        {
            return new Dictionary<string, string>(_meta, StringComparer.OrdinalIgnoreCase);
        }
    }

    /// <summary>The subscription meta used by filters (<c>set-meta</c> control messages).</summary>
    public IReadOnlyDictionary<string, string> GetSubscriptionMeta() => _subscriptions.SnapshotMeta();

    /// <summary>The connection's subscription table: channels, filters and subscription meta; the hub asks it whether a publish reaches this connection.</summary>
    public DevelopmentProxySubscriptions Subscriptions => _subscriptions;

    /// <summary>Whether the origin detached the connection.</summary>
    public bool IsDetached
    {
        get
        {
            lock (_state)
            {
                return _detached;
            }
        }
    }

    /// <summary>Sends the OPEN request. The caller accepts the WebSocket only if <see cref="IsAccepted"/> says so.</summary>
    public Task<DevelopmentProxyOriginResponse> OpenAsync(CancellationToken cancellationToken) =>
        SendToOriginAsync("OPEN\r\n"u8.ToArray(), cancellationToken);

    /// <summary>Whether an OPEN response accepts the connection: 200, the exact content type, and OPEN first.</summary>
    public static bool IsAccepted(DevelopmentProxyOriginResponse response, out string? problem)
    {
        problem = null;
        if (response.StatusCode != 200 || response.ContentType != "application/websocket-events")
        {
            return false;
        }

        var reader = new WebSocketEventReader(response.Body);
        try
        {
            if (reader.Read(out var first) && first.Type == WebSocketEventType.Open)
            {
                return true;
            }
        }
        catch (WebSocketFormatException ex)
        {
            problem = ex.Message;
            return false;
        }

        problem = "the response to OPEN does not start with an OPEN event (Pushpin answers the client 502)";
        return false;
    }

    /// <summary>The subprotocol the origin chose, from the OPEN response.</summary>
    public static string? GetSubprotocol(DevelopmentProxyOriginResponse response) => GetHeader(response, "Sec-WebSocket-Protocol");

    /// <summary>Runs the accepted connection until it ends.</summary>
    public async Task RunAsync(WebSocket socket, DevelopmentProxyOriginResponse openResponse, CancellationToken cancellationToken)
    {
        _socket = socket;

        // The session's own lifetime, not the HTTP request's: when the client vanishes the request is
        // aborted, and the DISCONNECT must still reach the origin.
        var token = _lifetime.Token;
        await using var registration = cancellationToken.Register(static s => ((WebSocket)s!).Abort(), socket).ConfigureAwait(false);
        string? extensions = GetHeader(openResponse, "Sec-WebSocket-Extensions");
        ConfigureGrip(extensions);
        _hub.Add(this);
        try
        {
            await ProcessResponseAsync(openResponse, skipOpen: true, token).ConfigureAwait(false);
            var pump = PumpAsync(token);
            await ReceiveLoopAsync(token).ConfigureAwait(false);
            await pump.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        finally
        {
            _hub.Remove(this);
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                socket.Abort();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _lifetime.CancelAsync().ConfigureAwait(false);

        // Timers first: none may fire into a disposed session.
        await DisposeTimersAsync().ConfigureAwait(false);
        _lifetime.Dispose();
        _queueSignal.Dispose();
        _sendLock.Dispose();
    }

    /// <summary>
    /// Reads the <c>grip</c> WebSocket extension of the OPEN response: GRIP mode on, and its
    /// <c>message-prefix</c> (grip-spec §2.1).
    /// </summary>
    private void ConfigureGrip(string? extensions)
    {
        if (extensions is null)
        {
            return;
        }

        foreach (string extension in extensions.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            string[] parts = extension.Split(';', StringSplitOptions.TrimEntries);
            if (!parts[0].Equals("grip", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            _gripMode = true;
            foreach (string parameter in parts.AsSpan(1))
            {
                int eq = parameter.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0 && parameter[..eq].Trim().Equals("message-prefix", StringComparison.OrdinalIgnoreCase))
                {
                    _messagePrefix = Encoding.UTF8.GetBytes(parameter[(eq + 1)..].Trim().Trim('"'));
                }
            }
        }
    }

    /// <summary>Drops the client at once (Pushpin's answer to an origin it cannot work with); the pump stops.</summary>
    private void AbortClient()
    {
        _finished = true;
        _socket?.Abort();
        try
        {
            _queueSignal.Release();
        }
        catch (ObjectDisposedException)
        {
            // The session is already over.
        }
    }

    private static string? GetHeader(DevelopmentProxyOriginResponse response, string name)
    {
        foreach (var header in response.Headers)
        {
            if (header.Key.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value;
            }
        }

        return null;
    }
}
