using Grip.Diagnostics;
using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Grip.Protocol;
using Grip.Publishing;
using Microsoft.Extensions.Logging;

namespace Grip.Hosting.Development;

/// <summary>
/// One client WebSocket held by the development proxy. Mirrors Pushpin 1.36's WebSocket-over-HTTP
/// session: one request in flight, client messages queued and batched meanwhile, GRIP prefixes and
/// control messages interpreted, Set-Meta-*/Meta-* kept, keep-alives and origin polling timed.
/// Where Pushpin fails silently, this logs loudly and then behaves the same way.
/// </summary>
internal sealed partial class DevelopmentProxySession : IAsyncDisposable
{
    private const int MaxReplyMessage = 32_768;
    private const int MaxControlMessage = 16_384;

    private readonly DevelopmentProxyOrigin _origin;
    private readonly DevelopmentProxyHub _hub;
    private readonly GripDevelopmentProxyOptions _options;
    private readonly ILogger _logger;
    private readonly string _pathAndQuery;
    private readonly string _host;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _handshakeHeaders;
    private readonly Dictionary<string, string> _meta = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _subscriptionMeta = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _subscriptions = new(StringComparer.Ordinal);
    private readonly Lock _state = new();
    private readonly List<(WebSocketEventType Type, byte[]? Content)> _queue = [];
    private readonly SemaphoreSlim _queueSignal = new(0);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _lifetime = new();

    private WebSocket? _socket;
    private bool _gripMode;
    private byte[] _messagePrefix = "m:"u8.ToArray();
    private TimeSpan? _keepAliveInterval;
    private bool _detached;
    private bool _detachPending;
    private bool _originClosed;
    private bool _finished;
    private Timer? _keepAliveTimer;
    private (WebSocketMessageType Type, byte[] Content)? _keepAliveMessage;
    private TimeSpan _keepAliveTimeout;
    private bool _keepAliveInterval_Mode;
    private Timer? _delayedTimer;
    private (WebSocketMessageType Type, byte[] Content)? _delayedMessage;

    public DevelopmentProxySession(
        string id,
        string pathAndQuery,
        string host,
        IReadOnlyList<KeyValuePair<string, string>> handshakeHeaders,
        DevelopmentProxyOrigin origin,
        DevelopmentProxyHub hub,
        GripDevelopmentProxyOptions options,
        ILogger logger)
    {
        Id = id;
        _pathAndQuery = pathAndQuery;
        _host = host;
        _handshakeHeaders = handshakeHeaders;
        _origin = origin;
        _hub = hub;
        _options = options;
        _logger = logger;
    }

    public string Id { get; }

    /// <summary>The test kit's tag for the client (its <c>X-Grip-Test-Client</c> handshake header), if any.</summary>
    public string? ClientTag { get; init; }

    /// <summary>
    /// Receives PING and PONG events the origin sends. A browser WebSocket cannot be sent control
    /// frames through ASP.NET Core's API, so only the test kit's clients observe them.
    /// </summary>
    public Action<WebSocketEventType, byte[]>? ControlFrameObserver { get; set; }

    /// <summary>Whether the connection has ended.</summary>
    public bool IsFinished => _finished;

    /// <summary>Sends a PING event to the origin, as Pushpin does for a client's ping frame.</summary>
    public void EnqueueClientPing(byte[]? payload) => Enqueue(WebSocketEventType.Ping, payload is { Length: > 0 } ? payload : null);

    /// <summary>The channels the connection is subscribed to, with their filters.</summary>
    public IReadOnlyDictionary<string, string[]> GetSubscriptions()
    {
        lock (_state)
        {
            return new Dictionary<string, string[]>(_subscriptions, StringComparer.Ordinal);
        }
    }

    /// <summary>The connection meta the proxy stores (<c>Set-Meta-*</c>).</summary>
    public IReadOnlyDictionary<string, string> GetMeta()
    {
        lock (_state)
        {
            return new Dictionary<string, string>(_meta, StringComparer.OrdinalIgnoreCase);
        }
    }

    /// <summary>The subscription meta used by filters (<c>set-meta</c> control messages).</summary>
    public IReadOnlyDictionary<string, string> GetSubscriptionMeta()
    {
        lock (_state)
        {
            return new Dictionary<string, string>(_subscriptionMeta, StringComparer.Ordinal);
        }
    }

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

    public bool TryGetFilters(string channel, out IReadOnlyList<string> filters)
    {
        lock (_state)
        {
            if (_subscriptions.TryGetValue(channel, out string[]? f))
            {
                filters = f;
                return true;
            }
        }

        filters = [];
        return false;
    }

    public string? GetSubscriptionMeta(string name)
    {
        lock (_state)
        {
            return _subscriptionMeta.TryGetValue(name, out string? value) ? value : null;
        }
    }

    /// <summary>
    /// Delivers one published ws-message to this client, through the subscription's content
    /// filters (<c>var-subst</c>, <c>build-id</c>) as Pushpin 1.36 runs them: in subscription order,
    /// on send actions only. When a filter fails, Pushpin drops the message for this connection
    /// without a word; so does this, with a warning that says why.
    /// </summary>
    public async Task DeliverPublishedAsync(WebSocketMessageFormat format, string channel, IReadOnlyList<string> filters, CancellationToken cancellationToken)
    {
        switch (format.Action)
        {
            case WebSocketMessageAction.Close:
                await CloseClientAsync(format.Code ?? 1000, format.Reason, cancellationToken).ConfigureAwait(false);
                break;
            case WebSocketMessageAction.Send when format.Kind is GripFrameKind.Text or GripFrameKind.Binary:
                byte[] content = format.Kind == GripFrameKind.Text ? Encoding.UTF8.GetBytes(format.Text ?? string.Empty) : format.Bytes.ToArray();
                if (!TryApplyContentFilters(channel, filters, ref content))
                {
                    return;
                }

                await SendToClientAsync(format.Kind == GripFrameKind.Text ? WebSocketMessageType.Text : WebSocketMessageType.Binary, content, cancellationToken).ConfigureAwait(false);
                break;
            default:
                LogPingNotSupported(_logger, Id);
                break;
        }
    }

    /// <summary>Logs (debug) a publish skipped because its content filters differ from the subscription's.</summary>
    public void ReportContentFilterMismatch(string channel, IEnumerable<string> subscription, IEnumerable<string> message)
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            string safeChannel = GripLogText.Escape(channel)!;
            string subscriptionList = GripLogText.Escape(string.Join(',', subscription))!;
            string messageList = GripLogText.Escape(string.Join(',', message))!;
            LogContentFilterMismatch(_logger, Id, safeChannel, subscriptionList, messageList);
        }
    }

    private bool TryApplyContentFilters(string channel, IReadOnlyList<string> filters, ref byte[] content)
    {
        IReadOnlyDictionary<string, string>? meta = null;
        foreach (string filter in filters)
        {
            bool ok;
            string? error;
            switch (filter)
            {
                case GripFilters.VarSubst:
                    meta ??= GetSubscriptionMeta();
                    ok = GripContentFormat.TrySubstituteVariables(content, meta, out content, out error);
                    break;
                case GripFilters.BuildId:
                    meta ??= GetSubscriptionMeta();
                    ok = GripContentFormat.TryBuildIds(content, meta, out content, out error);
                    break;
                default:
                    continue;
            }

            if (!ok)
            {
                LogContentFilterFailed(_logger, Id, GripLogText.Escape(channel)!, GripLogText.Escape(filter)!, GripLogText.Escape(error)!);
                return false;
            }
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _lifetime.CancelAsync().ConfigureAwait(false);
        if (_keepAliveTimer is not null)
        {
            await _keepAliveTimer.DisposeAsync().ConfigureAwait(false);
        }

        if (_delayedTimer is not null)
        {
            await _delayedTimer.DisposeAsync().ConfigureAwait(false);
        }

        _lifetime.Dispose();
        _queueSignal.Dispose();
        _sendLock.Dispose();
    }

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

    /// <summary>Sends queued events to the origin, one request at a time; polls when Keep-Alive-Interval asks.</summary>
    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        while (!_finished)
        {
            if (await NotifyDetachAsync(cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            TimeSpan? poll;
            lock (_state)
            {
                poll = _keepAliveInterval;
            }

            bool signalled = poll is { } interval
                ? await _queueSignal.WaitAsync(interval, cancellationToken).ConfigureAwait(false)
                : await _queueSignal.WaitAsync(Timeout.Infinite, cancellationToken).ConfigureAwait(false);

            List<(WebSocketEventType Type, byte[]? Content)> batch;
            lock (_state)
            {
                batch = TakeBatch();
            }

            if (batch.Count == 0 && signalled)
            {
                continue;
            }

            bool ending = batch.Exists(e => e.Type is WebSocketEventType.Close or WebSocketEventType.Disconnect);
            var body = new ArrayBufferWriter<byte>();
            foreach (var (type, content) in batch)
            {
                if (content is null)
                {
                    WebSocketEventWriter.WriteEvent(body, type);
                }
                else
                {
                    WebSocketEventWriter.WriteEvent(body, type, content);
                }
            }

            DevelopmentProxyOriginResponse response;
            try
            {
                response = await SendToOriginAsync(body.WrittenSpan.ToArray(), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                LogOriginFailed(_logger, ex, Id);
                AbortClient();
                return;
            }

            if (batch.Exists(e => e.Type == WebSocketEventType.Disconnect))
            {
                // The response to DISCONNECT is ignored.
                _finished = true;
                return;
            }

            if (_originClosed)
            {
                // The client's answer to the origin's close: the exchange is complete.
                _finished = true;
                return;
            }

            await ProcessResponseAsync(response, skipOpen: false, cancellationToken).ConfigureAwait(false);
            if (await NotifyDetachAsync(cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            if (ending)
            {
                // A client-initiated close: answer the client's close frame if the origin did not.
                var clientClose = batch.Find(e => e.Type == WebSocketEventType.Close);
                int code = clientClose.Content is { Length: >= 2 } c ? (c[0] << 8) | c[1] : 1000;
                await CloseClientAsync(code, null, cancellationToken).ConfigureAwait(false);
                _finished = true;
                return;
            }
        }
    }

    /// <summary>
    /// After a <c>detach</c> control message, Pushpin sends the origin <c>CLOSE</c> and forwards
    /// nothing more from the client; published messages still reach it. The answer is ignored.
    /// </summary>
    /// <returns>Whether the origin was told (the pump then stops).</returns>
    private async Task<bool> NotifyDetachAsync(CancellationToken cancellationToken)
    {
        lock (_state)
        {
            if (!_detachPending)
            {
                return false;
            }

            _detachPending = false;
            _queue.Clear();
        }

        try
        {
            await SendToOriginAsync("CLOSE\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogOriginFailed(_logger, ex, Id);
        }

        _finished = true;
        return true;
    }

    /// <summary>Takes the queued events for the next request. DISCONNECT always travels alone.</summary>
    private List<(WebSocketEventType Type, byte[]? Content)> TakeBatch()
    {
        var batch = new List<(WebSocketEventType Type, byte[]? Content)>(_queue.Count);
        int i = 0;
        for (; i < _queue.Count; i++)
        {
            if (_queue[i].Type == WebSocketEventType.Disconnect)
            {
                if (batch.Count == 0)
                {
                    batch.Add(_queue[i]);
                    i++;
                }

                break;
            }

            batch.Add(_queue[i]);
        }

        _queue.RemoveRange(0, i);
        if (_queue.Count > 0)
        {
            _queueSignal.Release();
        }

        return batch;
    }

    private async Task<DevelopmentProxyOriginResponse> SendToOriginAsync(byte[] body, CancellationToken cancellationToken)
    {
        Dictionary<string, string> meta;
        lock (_state)
        {
            meta = new Dictionary<string, string>(_meta, StringComparer.OrdinalIgnoreCase);
        }

        return await _origin.SendAsync(_pathAndQuery, _host, Id, _handshakeHeaders, meta, body, cancellationToken).ConfigureAwait(false);
    }

    private async Task ProcessResponseAsync(DevelopmentProxyOriginResponse response, bool skipOpen, CancellationToken cancellationToken)
    {
        if (response.StatusCode != 200)
        {
            LogBadStatus(_logger, Id, response.StatusCode);
            AbortClient();
            return;
        }

        if (response.ContentType != "application/websocket-events")
        {
            LogBadContentType(_logger, Id, GripLogText.Escape(response.ContentType ?? "(none)")!);
            AbortClient();
            return;
        }

        if (response.BodyTooLarge)
        {
            LogBodyTooLarge(_logger, Id, DevelopmentProxyOrigin.MaxResponseBody);
            AbortClient();
            return;
        }

        ApplyHeaders(response);

        var reader = new WebSocketEventReader(response.Body);
        bool first = true;
        try
        {
            while (reader.Read(out var e))
            {
                if (first && skipOpen && e.Type == WebSocketEventType.Open)
                {
                    first = false;
                    continue;
                }

                first = false;
                switch (e.Type)
                {
                    case WebSocketEventType.Text:
                    case WebSocketEventType.Binary:
                        await HandleMessageEventAsync(e, cancellationToken).ConfigureAwait(false);
                        break;
                    case WebSocketEventType.Ping:
                    case WebSocketEventType.Pong:
                        if (ControlFrameObserver is { } observer)
                        {
                            observer(e.Type, e.Content.ToArray());
                        }
                        else
                        {
                            LogPingNotSupported(_logger, Id);
                        }

                        break;
                    case WebSocketEventType.Close:
                        var status = e.GetCloseStatus();
                        _originClosed = true;
                        await CloseClientAsync(status.Code ?? 1000, status.Reason, cancellationToken).ConfigureAwait(false);
                        return;
                    case WebSocketEventType.Disconnect:
                        AbortClient();
                        return;
                    case WebSocketEventType.Open:
                        LogOpenMidSession(_logger, Id);
                        AbortClient();
                        return;
                    default:
                        // Pushpin skips unknown event types.
                        break;
                }
            }
        }
        catch (WebSocketFormatException ex)
        {
            LogMalformedResponse(_logger, ex, Id);
            AbortClient();
        }
    }

    private void ApplyHeaders(DevelopmentProxyOriginResponse response)
    {
        lock (_state)
        {
            foreach (var header in response.Headers)
            {
                if (header.Key.Length >= 10 && header.Key.StartsWith("Set-Meta-", StringComparison.OrdinalIgnoreCase))
                {
                    string name = header.Key[9..];
                    if (header.Value.Length == 0)
                    {
                        _meta.Remove(name);
                    }
                    else
                    {
                        _meta[name] = header.Value;
                    }
                }
                else if (header.Key.Equals("Keep-Alive-Interval", StringComparison.OrdinalIgnoreCase))
                {
                    _keepAliveInterval = int.TryParse(header.Value, out int seconds) && seconds > 0
                        ? TimeSpan.FromSeconds(Math.Max(seconds, 20))
                        : null;
                }
            }
        }
    }

    private async Task HandleMessageEventAsync(WebSocketEvent e, CancellationToken cancellationToken)
    {
        var content = e.Content;
        var type = e.Type == WebSocketEventType.Text ? WebSocketMessageType.Text : WebSocketMessageType.Binary;
        if (!_gripMode)
        {
            await SendToClientAsync(type, content.ToArray(), cancellationToken).ConfigureAwait(false);
            return;
        }

        if (e.Type == WebSocketEventType.Text && content.Span.StartsWith("c:"u8))
        {
            if (content.Length > MaxControlMessage)
            {
                LogControlTooLarge(_logger, Id, content.Length);
                return;
            }

            await HandleControlAsync(content[2..], cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!content.Span.StartsWith(_messagePrefix))
        {
            LogUnprefixedDropped(_logger, Id, Encoding.UTF8.GetString(_messagePrefix));
            return;
        }

        if (content.Length > MaxReplyMessage)
        {
            LogReplyTooLarge(_logger, Id, content.Length);
            return;
        }

        await SendToClientAsync(type, content[_messagePrefix.Length..].ToArray(), cancellationToken).ConfigureAwait(false);
    }

    private async Task HandleControlAsync(ReadOnlyMemory<byte> json, CancellationToken cancellationToken)
    {
        string? error = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
            {
                error = "a control message must be a JSON object with a string 'type'";
            }
            else
            {
                error = await ApplyControlAsync(typeElement.GetString()!, root, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (JsonException ex)
        {
            error = "not valid JSON: " + ex.Message;
        }

        if (error is not null)
        {
            // Pushpin 1.36 never acknowledges the request and drops the client 8 s later.
            LogInvalidControl(_logger, Id, GripLogText.Escape(error)!);
            _ = Task.Delay(TimeSpan.FromSeconds(8), CancellationToken.None).ContinueWith(_ => AbortClient(), TaskScheduler.Default);
        }
    }

    /// <summary>Applies one control message; returns an error text when Pushpin would refuse it.</summary>
    private async Task<string?> ApplyControlAsync(string type, JsonElement root, CancellationToken cancellationToken)
    {
        switch (type)
        {
            case "subscribe":
            {
                if (!TryGetChannel(root, out string? channel))
                {
                    return "subscribe needs a non-empty 'channel'";
                }

                var filters = new List<string>();
                if (root.TryGetProperty("filters", out var f))
                {
                    if (f.ValueKind != JsonValueKind.Array)
                    {
                        return "'filters' must be an array of strings";
                    }

                    foreach (var item in f.EnumerateArray())
                    {
                        if (item.ValueKind != JsonValueKind.String)
                        {
                            return "'filters' must be an array of strings";
                        }

                        filters.Add(item.GetString()!);
                    }
                }

                lock (_state)
                {
                    if (!_subscriptions.ContainsKey(channel) && _subscriptions.Count >= _options.MaxSubscriptionsPerConnection)
                    {
                        LogTooManySubscriptions(_logger, Id, GripLogText.Escape(channel)!);
                        return null;
                    }

                    _subscriptions[channel] = [.. filters];
                }

                return null;
            }

            case "unsubscribe":
            {
                if (!TryGetChannel(root, out string? channel))
                {
                    return "unsubscribe needs a non-empty 'channel'";
                }

                lock (_state)
                {
                    _subscriptions.Remove(channel);
                }

                return null;
            }

            case "detach":
                lock (_state)
                {
                    // The pump tells the origin CLOSE once and then stops talking to it.
                    _detachPending = !_detached;
                    _detached = true;
                }

                return null;

            case "session":
                return null;

            case "set-meta":
            {
                if (!root.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || name.GetString() is not { Length: > 0 } metaName)
                {
                    return "set-meta needs a non-empty 'name'";
                }

                lock (_state)
                {
                    if (root.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.String)
                    {
                        _subscriptionMeta[metaName] = value.GetString()!;
                    }
                    else
                    {
                        _subscriptionMeta.Remove(metaName);
                    }
                }

                return null;
            }

            case "keep-alive":
                return ConfigureKeepAlive(root);

            case "send-delayed":
            {
                if (!TryReadContent(root, out var message, out string? error))
                {
                    return error ?? "send-delayed needs content";
                }

                int timeout = root.TryGetProperty("timeout", out var t) && t.TryGetInt32(out int s) ? s : 1;
                await FlushDelayedAsync(cancellationToken).ConfigureAwait(false);
                lock (_state)
                {
                    _delayedMessage = message;
                    _delayedTimer ??= new Timer(_ => _ = FlushDelayedAsync(CancellationToken.None));
                    _delayedTimer.Change(TimeSpan.FromSeconds(timeout), Timeout.InfiniteTimeSpan);
                }

                return null;
            }

            case "flush-delayed":
                await FlushDelayedAsync(cancellationToken).ConfigureAwait(false);
                return null;

            default:
                return $"unknown control message type '{type}'";
        }
    }

    private string? ConfigureKeepAlive(JsonElement root)
    {
        if (!root.TryGetProperty("content", out _) && !root.TryGetProperty("content-bin", out _))
        {
            lock (_state)
            {
                _keepAliveMessage = null;
                _keepAliveTimer?.Change(Timeout.Infinite, Timeout.Infinite);
            }

            return null;
        }

        if (!TryReadContent(root, out var message, out string? error))
        {
            return error;
        }

        int timeout = root.TryGetProperty("timeout", out var t) && t.TryGetInt32(out int s) ? s : 55;
        if (timeout < 1)
        {
            return "keep-alive timeout must be at least 1";
        }

        bool interval = root.TryGetProperty("mode", out var m) && m.ValueKind == JsonValueKind.String && m.GetString() == "interval";
        lock (_state)
        {
            _keepAliveMessage = message;
            _keepAliveTimeout = TimeSpan.FromSeconds(timeout);
            _keepAliveInterval_Mode = interval;
            _keepAliveTimer ??= new Timer(_ => _ = SendKeepAliveAsync());
            _keepAliveTimer.Change(_keepAliveTimeout, interval ? _keepAliveTimeout : Timeout.InfiniteTimeSpan);
        }

        return null;
    }

    private static bool TryReadContent(JsonElement root, out (WebSocketMessageType Type, byte[] Content) message, out string? error)
    {
        error = null;
        message = default;

        // Pushpin's default message-type is text, even for content-bin (grip-spec §2.3).
        string messageType = root.TryGetProperty("message-type", out var mt) && mt.ValueKind == JsonValueKind.String ? mt.GetString()! : "text";
        byte[] content;
        if (root.TryGetProperty("content-bin", out var bin) && bin.ValueKind == JsonValueKind.String)
        {
            if (!bin.TryGetBytesFromBase64(out byte[]? bytes))
            {
                error = "'content-bin' is not base64";
                return false;
            }

            content = bytes;
        }
        else if (root.TryGetProperty("content", out var text) && text.ValueKind == JsonValueKind.String)
        {
            content = Encoding.UTF8.GetBytes(text.GetString()!);
        }
        else
        {
            content = [];
        }

        switch (messageType)
        {
            case "text":
                message = (WebSocketMessageType.Text, content);
                return true;
            case "binary":
                message = (WebSocketMessageType.Binary, content);
                return true;
            case "ping":
            case "pong":
                // The framework's WebSocket cannot send control frames on demand; treat as no-op.
                message = (WebSocketMessageType.Close, content);
                return true;
            default:
                error = $"unknown message-type '{messageType}'";
                return false;
        }
    }

    private async Task SendKeepAliveAsync()
    {
        (WebSocketMessageType Type, byte[] Content)? message;
        lock (_state)
        {
            message = _keepAliveMessage;
        }

        if (message is { } m && m.Type != WebSocketMessageType.Close)
        {
            await SendToClientAsync(m.Type, m.Content, _lifetime.Token, isKeepAlive: true).ConfigureAwait(false);
        }

        lock (_state)
        {
            // Still idle after a keep-alive: the next one is due a timeout later (interval mode re-arms itself).
            if (_keepAliveMessage is not null && !_keepAliveInterval_Mode)
            {
                _keepAliveTimer?.Change(_keepAliveTimeout, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private async Task FlushDelayedAsync(CancellationToken cancellationToken)
    {
        (WebSocketMessageType Type, byte[] Content)? message;
        lock (_state)
        {
            message = _delayedMessage;
            _delayedMessage = null;
            _delayedTimer?.Change(Timeout.Infinite, Timeout.Infinite);
        }

        if (message is { } m && m.Type != WebSocketMessageType.Close)
        {
            await SendToClientAsync(m.Type, m.Content, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SendToClientAsync(WebSocketMessageType type, byte[] content, CancellationToken cancellationToken, bool isKeepAlive = false)
    {
        var socket = _socket;
        if (socket is null)
        {
            return;
        }

        try
        {
            await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.SendAsync(content, type, endOfMessage: true, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException)
        {
            // The receive loop notices the broken connection and sends DISCONNECT.
        }
        finally
        {
            _sendLock.Release();
        }

        if (!isKeepAlive)
        {
            lock (_state)
            {
                // An idle keep-alive restarts whenever the origin sends something.
                if (_keepAliveMessage is not null && !_keepAliveInterval_Mode)
                {
                    _keepAliveTimer?.Change(_keepAliveTimeout, Timeout.InfiniteTimeSpan);
                }
            }
        }
    }

    private async Task CloseClientAsync(int code, string? reason, CancellationToken cancellationToken)
    {
        var socket = _socket;
        if (socket is null)
        {
            return;
        }

        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or ArgumentException)
        {
            socket.Abort();
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private void AbortClient()
    {
        _finished = true;
        _socket?.Abort();
        _queueSignal.Release();
    }

    private static bool TryGetChannel(JsonElement root, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? channel)
    {
        channel = root.TryGetProperty("channel", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        return !string.IsNullOrEmpty(channel);
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

    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "Development proxy: connection {ConnectionId}: the origin answered {StatusCode}; Pushpin drops the client.")]
    private static partial void LogBadStatus(ILogger logger, string connectionId, int statusCode);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Error, Message = "Development proxy: connection {ConnectionId}: Content-Type '{ContentType}' is not exactly 'application/websocket-events'; Pushpin drops the client.")]
    private static partial void LogBadContentType(ILogger logger, string connectionId, string contentType);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Error, Message = "Development proxy: connection {ConnectionId}: response body over {Limit} bytes; Pushpin drops the client.")]
    private static partial void LogBodyTooLarge(ILogger logger, string connectionId, int limit);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Warning, Message = "Development proxy: connection {ConnectionId}: a message without the '{Prefix}' prefix was dropped, as Pushpin drops it silently.")]
    private static partial void LogUnprefixedDropped(ILogger logger, string connectionId, string prefix);

    [LoggerMessage(EventId = 9005, Level = LogLevel.Error, Message = "Development proxy: connection {ConnectionId}: a {Length}-byte reply was dropped: Pushpin 1.36 never delivers a reply over 32768 bytes. Publish it instead.")]
    private static partial void LogReplyTooLarge(ILogger logger, string connectionId, int length);

    [LoggerMessage(EventId = 9006, Level = LogLevel.Error, Message = "Development proxy: connection {ConnectionId}: a {Length}-byte control message was ignored: Pushpin ignores control messages over 16384 bytes.")]
    private static partial void LogControlTooLarge(ILogger logger, string connectionId, int length);

    [LoggerMessage(EventId = 9007, Level = LogLevel.Error, Message = "Development proxy: connection {ConnectionId}: invalid control message ({Problem}); Pushpin 1.36 drops the client 8 seconds later, and so does the development proxy.")]
    private static partial void LogInvalidControl(ILogger logger, string connectionId, string problem);

    [LoggerMessage(EventId = 9008, Level = LogLevel.Error, Message = "Development proxy: connection {ConnectionId}: the origin's response is malformed; Pushpin drops the client.")]
    private static partial void LogMalformedResponse(ILogger logger, Exception exception, string connectionId);

    [LoggerMessage(EventId = 9009, Level = LogLevel.Warning, Message = "Development proxy: connection {ConnectionId}: OPEN in a response on an open connection; Pushpin drops the client.")]
    private static partial void LogOpenMidSession(ILogger logger, string connectionId);

    [LoggerMessage(EventId = 9010, Level = LogLevel.Error, Message = "Development proxy: connection {ConnectionId}: the origin could not be reached; the client is dropped.")]
    private static partial void LogOriginFailed(ILogger logger, Exception exception, string connectionId);

    [LoggerMessage(EventId = 9011, Level = LogLevel.Debug, Message = "Development proxy: connection {ConnectionId}: ping/pong frames from the origin are not relayed by the development proxy (ASP.NET Core answers client pings itself).")]
    private static partial void LogPingNotSupported(ILogger logger, string connectionId);

    [LoggerMessage(EventId = 9013, Level = LogLevel.Warning, Message = "Development proxy: connection {ConnectionId}: a message published to '{Channel}' was not delivered: its '{Filter}' filter failed ({Reason}). Pushpin drops it the same way, silently.")]
    private static partial void LogContentFilterFailed(ILogger logger, string connectionId, string channel, string filter, string reason);

    [LoggerMessage(EventId = 9014, Level = LogLevel.Debug, Message = "Development proxy: connection {ConnectionId}: a message published to '{Channel}' was skipped: its content filters [{Message}] differ from the subscription's [{Subscription}], as in Pushpin.")]
    private static partial void LogContentFilterMismatch(ILogger logger, string connectionId, string channel, string subscription, string message);

    [LoggerMessage(EventId = 9012, Level = LogLevel.Warning, Message = "Development proxy: connection {ConnectionId}: subscription to '{Channel}' ignored: at most 20 subscriptions per connection, as in Pushpin.")]
    private static partial void LogTooManySubscriptions(ILogger logger, string connectionId, string channel);
}
