using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Grip.Infrastructure;
using Grip.Internal;
using Grip.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace Grip;

/// <summary>
/// One client connection, as seen while one batch of its events is handled. Everything a handler
/// does to the connection (send, close, subscribe, set meta, ...) is collected into the host's
/// <see cref="GripResponse"/>, which becomes the response to the proxy.
/// </summary>
/// <remarks>
/// The origin is stateless: this object lives for one HTTP request. State that must survive to the
/// next event of the same connection goes into <see cref="Meta"/> (stored by the proxy) or into
/// your own store.
/// </remarks>
public sealed class GripConnection : IDisposable
{
    /// <summary>The subscription meta name Pushpin's skip-self filter compares with publish meta <see cref="SkipSelfSenderMeta"/>.</summary>
    public const string SkipSelfUserMeta = "user";

    /// <summary>The publish meta name Pushpin's skip-self filter compares with subscription meta <see cref="SkipSelfUserMeta"/>.</summary>
    public const string SkipSelfSenderMeta = "sender";

    private readonly GripResponse _response;
    private readonly IGripHostRequest? _host;
    private IServiceProvider? _services;
    private ClaimsPrincipal? _user;
    private PooledBufferWriter? _scratch;
    private Utf8JsonWriter? _messageJson;
    private string[]? _requestedSubprotocols;
    private bool _skipSelfMetaSent;
    private bool _disposed;

    /// <summary>Creates a connection for one request.</summary>
    /// <param name="id">The <c>Connection-Id</c> the proxy sent.</param>
    /// <param name="request">The HTTP request that carried the batch.</param>
    /// <param name="services">The request's services (a DI scope).</param>
    /// <param name="meta">The connection meta from trusted <c>Meta-*</c> headers.</param>
    /// <param name="response">
    /// Where the connection writes the response, which the host reads after the dispatch; a new one
    /// when <see langword="null"/> (a test that only drives the handler). The connection returns its
    /// buffer to the pool on <see cref="Dispose"/>.
    /// </param>
    public GripConnection(string id, IGripRequest request, IServiceProvider services, GripMeta? meta = null, GripResponse? response = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(services);
        Id = id;
        Request = request;
        _services = services;
        Meta = meta ?? new GripMeta();
        _response = response ?? new GripResponse();
    }

    /// <summary>
    /// The host's connection for one request: its services, user and (when the request is signed)
    /// meta are read from <paramref name="host"/> when first asked for, not up front.
    /// </summary>
    /// <param name="id">The <c>Connection-Id</c> the proxy sent.</param>
    /// <param name="request">The HTTP request that carried the batch.</param>
    /// <param name="host">Where the request's services, user and meta headers are read.</param>
    /// <param name="trustedMeta">Whether the <c>Meta-*</c> headers come from the proxy (a verified <c>Grip-Sig</c>).</param>
    /// <param name="response">Where the connection writes the response, which the host reads after the dispatch.</param>
    internal GripConnection(string id, IGripRequest request, IGripHostRequest host, bool trustedMeta, GripResponse response)
    {
        Id = id;
        Request = request;
        _host = host;
        Meta = trustedMeta ? new GripMeta(host) : new GripMeta();
        _response = response;
    }

    /// <summary>The connection id (the proxy's <c>Connection-Id</c>), the same on every request of the connection.</summary>
    public string Id { get; }

    /// <summary>The HTTP request that carried this batch (path, query, the client's handshake headers).</summary>
    public IGripRequest Request { get; }

    /// <summary>The services of this request's DI scope.</summary>
    /// <exception cref="ObjectDisposedException">Read for the first time after the request ended.</exception>
    public IServiceProvider Services => Volatile.Read(ref _services) ?? LoadServices();

    /// <summary>Connection meta kept by the proxy between requests (<c>Meta-*</c> / <c>Set-Meta-*</c>).</summary>
    public GripMeta Meta { get; }

    /// <summary>
    /// The user of the request that carried this batch: ASP.NET Core's <c>HttpContext.User</c> after the
    /// app's authentication middleware (the proxy sends the client's handshake headers, so the
    /// same credentials, with every request of the connection). An anonymous principal (no
    /// authenticated identity) when nobody signed in; never <see langword="null"/>.
    /// </summary>
    /// <exception cref="ObjectDisposedException">Read for the first time after the request ended.</exception>
    public ClaimsPrincipal User
    {
        get => Volatile.Read(ref _user) ?? LoadUser();
        init => _user = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Whether this batch opens the connection (its first event is OPEN).</summary>
    public bool IsOpening { get; internal set; }

    /// <summary>Whether the connection is closing: a CLOSE or DISCONNECT was received or sent in this batch.</summary>
    public bool IsClosing { get; private set; }

    /// <summary>The subprotocols the client offered in <c>Sec-WebSocket-Protocol</c>, in order.</summary>
    public IReadOnlyList<string> RequestedSubprotocols => _requestedSubprotocols ??= ParseSubprotocols(Request.GetHeader("Sec-WebSocket-Protocol"));

    /// <summary>The subprotocol chosen with <see cref="AcceptSubprotocol(string)"/>, if any.</summary>
    public string? Subprotocol => _response.Subprotocol;

    /// <summary>Whether the connection was rejected by <see cref="Reject(int, string?)"/> (or because <c>[OnOpen]</c> threw).</summary>
    public bool IsRejected => _response.IsRejected;

    /// <summary>The response the host reads (the dispatcher's and the host's, not the handler's).</summary>
    internal GripResponse Response => _response;

    /// <summary>
    /// Whether a write was refused because the response would have crossed
    /// <see cref="GripLimits.MaxResponseBodyBytes"/> (less the room kept for the closing CLOSE).
    /// </summary>
    internal bool ResponseLimitReached { get; private set; }

    /// <summary>
    /// The room every write except the closing one leaves free at the end of the response: a CLOSE
    /// with a code and the longest reason (125 bytes of payload), so the framework can always end
    /// the connection with a close code, whatever handlers and automatic answers wrote before.
    /// </summary>
    /// <remarks>
    /// A constant (<c>CLOSE 7d\r\n</c>, 125 bytes, <c>\r\n</c>; a test pins it to
    /// <see cref="WebSocketEventWriter.GetEncodedLength"/>) rather than a computed static: every write
    /// reads it, and under Native AOT a computed static costs a class-initialization check per read.
    /// </remarks>
    internal const int CloseReserveBytes = 5 + 1 + 2 + 2 + 2 + CloseCodes.MaxReasonBytes + 2;

    private int _abandoned;

    /// <summary>Chooses one of the subprotocols the client offered; the proxy returns it in the handshake.</summary>
    /// <exception cref="ArgumentException">The client did not offer <paramref name="protocol"/>.</exception>
    /// <exception cref="InvalidOperationException">The connection is not opening.</exception>
    public void AcceptSubprotocol(string protocol)
    {
        ArgumentException.ThrowIfNullOrEmpty(protocol);
        EnsureOpening(nameof(AcceptSubprotocol));
        bool offered = false;
        foreach (string p in RequestedSubprotocols)
        {
            if (string.Equals(p, protocol, StringComparison.Ordinal))
            {
                offered = true;
                break;
            }
        }

        if (!offered)
        {
            throw new ArgumentException($"The client did not offer subprotocol '{protocol}'; browsers abort a handshake that answers one they did not offer.", nameof(protocol));
        }

        _response.Subprotocol = protocol;
    }

    /// <summary>
    /// Rejects the connection while it is opening: the proxy answers the client's handshake with
    /// this status and body instead of <c>101</c>.
    /// </summary>
    /// <param name="statusCode">An HTTP status other than 200 (default 403).</param>
    /// <param name="body">An optional short body (UTF-8 text).</param>
    /// <exception cref="InvalidOperationException">The connection is not opening.</exception>
    public void Reject(int statusCode = 403, string? body = null)
    {
        EnsureOpening(nameof(Reject));
        if (statusCode is < 400 or > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "A rejection status must be 400-599.");
        }

        _response.RejectStatusCode = statusCode;
        _response.RejectBody = body;
    }

    /// <summary>Sends a text message to the client.</summary>
    /// <exception cref="GripLimitExceededException">The message is larger than Pushpin delivers in a response.</exception>
    public void Send(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Send(text.AsSpan());
    }

    /// <summary>Sends a text message to the client.</summary>
    public void Send(ReadOnlySpan<char> text)
    {
        // Every char is at least one UTF-8 byte: refuse before counting megabytes.
        if (text.Length > GripLimits.MaxReplyPayloadBytes)
        {
            EnsureWritable();
            throw ReplyTooLarge($"at least {text.Length}");
        }

        EnsureWritable();

        // The exact UTF-8 length first (the event header carries it), then the text is encoded
        // straight into the response: no intermediate buffer, no copy.
        int byteCount = Encoding.UTF8.GetByteCount(text);
        if (byteCount > GripLimits.MaxReplyPayloadBytes)
        {
            throw ReplyTooLarge(byteCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        int length = MessagePrefix.Length + byteCount;
        int encoded = WebSocketEventWriter.GetEncodedLength(WebSocketEventType.Text, length);
        CheckBodyLimit(encoded);
        var span = _response.GetEventSpan(encoded);
        int pos = WebSocketEventWriter.WriteHeader(span, WebSocketEventType.Text, length);
        MessagePrefix.CopyTo(span[pos..]);
        pos += MessagePrefix.Length;
        pos += Encoding.UTF8.GetBytes(text, span[pos..]);
        span[pos++] = (byte)'\r';
        span[pos++] = (byte)'\n';
        _response.AdvanceEvents(pos);
    }

    /// <summary>Sends a text message given as UTF-8 bytes.</summary>
    public void SendUtf8(ReadOnlySpan<byte> utf8Text) => WriteMessage(WebSocketEventType.Text, utf8Text);

    /// <summary>Sends a binary message to the client.</summary>
    public void SendBinary(ReadOnlySpan<byte> data) => WriteMessage(WebSocketEventType.Binary, data);

    /// <summary>Sends <paramref name="value"/> as a JSON text message, using source-generated metadata.</summary>
    public void SendJson<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var scratch = RentScratch();

        // One writer per connection, reset per message (default options, like JsonSerializer's).
        var writer = _messageJson ??= new Utf8JsonWriter(scratch);
        writer.Reset(scratch);
        JsonSerializer.Serialize(writer, value, typeInfo);
        writer.Flush();
        WriteMessage(WebSocketEventType.Text, scratch.WrittenSpan);
    }

    /// <summary>Sends a ping frame to the client.</summary>
    public void Ping(ReadOnlySpan<byte> payload = default) => WriteFrame(WebSocketEventType.Ping, payload);

    /// <summary>Sends a pong frame to the client.</summary>
    public void Pong(ReadOnlySpan<byte> payload = default) => WriteFrame(WebSocketEventType.Pong, payload);

    /// <summary>
    /// Closes the connection with a close frame. Events after this in the same batch are not
    /// dispatched; <c>[OnClose]</c> runs when the client's close frame comes back.
    /// </summary>
    /// <param name="code">A valid close code (default 1000).</param>
    /// <param name="reason">An optional reason of at most 123 UTF-8 bytes.</param>
    public void Close(int code = CloseCodes.Normal, string? reason = null)
    {
        CloseCodes.Validate(code, reason);
        EnsureWritable();
        Span<byte> payload = stackalloc byte[2 + CloseCodes.MaxReasonBytes];
        payload[0] = (byte)(code >> 8);
        payload[1] = (byte)code;
        int length = 2;
        if (reason is not null)
        {
            length += Encoding.UTF8.GetBytes(reason, payload[2..]);
        }

        AppendEvent(WebSocketEventType.Close, ReadOnlySpan<byte>.Empty, payload[..length], closing: true);
        IsClosing = true;
    }

    /// <summary>Drops the client at once, without a close frame.</summary>
    public void Disconnect()
    {
        EnsureWritable();
        CheckBodyLimit(WebSocketEventWriter.GetEncodedLength(WebSocketEventType.Disconnect, 0), closing: true);
        WebSocketEventWriter.WriteEvent(_response, WebSocketEventType.Disconnect);
        IsClosing = true;
    }

    /// <summary>Subscribes the connection to a channel.</summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="filters">
    /// Subscription filters (see <see cref="GripFilters"/>). With <see cref="GripFilters.SkipSelf"/>,
    /// the connection's subscription meta <c>user</c> is set to its id first, so
    /// <see cref="PublishToOthersAsync(string, string, CancellationToken)"/> skips it.
    /// </param>
    public void Subscribe(string channel, params ReadOnlySpan<string> filters)
    {
        string[]? list = filters.IsEmpty ? null : filters.ToArray();
        if (list is not null && Array.IndexOf(list, GripFilters.SkipSelf) >= 0 && !_skipSelfMetaSent)
        {
            SendControl(new SetMetaControlMessage(SkipSelfUserMeta, Id));
            _skipSelfMetaSent = true;
        }

        SendControl(new SubscribeControlMessage(channel, list));
    }

    /// <summary>Unsubscribes the connection from a channel.</summary>
    public void Unsubscribe(string channel) => SendControl(new UnsubscribeControlMessage(channel));

    /// <summary>Sets subscription meta used by publish filters (not <see cref="Meta"/>); <see langword="null"/> deletes it.</summary>
    public void SetSubscriptionMeta(string name, string? value) => SendControl(new SetMetaControlMessage(name, value));

    /// <summary>Asks the proxy to send <paramref name="content"/> when the connection has been idle (or at an interval).</summary>
    public void SetKeepAlive(GripFrameContent content, int timeoutSeconds = 55, GripKeepAliveMode mode = GripKeepAliveMode.Idle) =>
        SendControl(new KeepAliveControlMessage(content, timeoutSeconds, mode));

    /// <summary>Turns proxy keep-alive messages off.</summary>
    public void DisableKeepAlive() => SendControl(KeepAliveControlMessage.Disable());

    /// <summary>Detaches: the proxy stops forwarding client messages; published messages still reach the client.</summary>
    public void Detach() => SendControl(DetachControlMessage.Instance);

    /// <summary>Associates a GRIP session id (null clears it).</summary>
    public void SetSession(string? sessionId) => SendControl(new SessionControlMessage(sessionId));

    /// <summary>Asks the proxy to send <paramref name="content"/> after <paramref name="timeoutSeconds"/>.</summary>
    public void SendDelayed(GripFrameContent content, int timeoutSeconds = 1) => SendControl(new SendDelayedControlMessage(content, timeoutSeconds));

    /// <summary>Asks the proxy to send the pending delayed message now.</summary>
    public void FlushDelayed() => SendControl(FlushDelayedControlMessage.Instance);

    /// <summary>
    /// Asks the proxy to poll the origin with an empty request after this much idle time, or turns
    /// polling off with <see langword="null"/>. Pushpin raises anything under 20 s to 20 s, so
    /// shorter intervals are refused.
    /// </summary>
    public void SetKeepAliveInterval(TimeSpan? interval)
    {
        if (interval is { } value && value < GripLimits.MinKeepAliveInterval)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), value, "Pushpin polls at most every 20 seconds; a shorter Keep-Alive-Interval would silently become 20 s.");
        }

        _response.KeepAliveInterval = interval;
        _response.KeepAliveIntervalChanged = true;
    }

    /// <summary>Validates and sends any control message.</summary>
    /// <exception cref="ArgumentException">The message is invalid (Pushpin would kill the client 8 s later).</exception>
    /// <exception cref="GripLimitExceededException">The message is over 16,384 bytes (Pushpin would ignore it).</exception>
    public void SendControl(GripControlMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        EnsureWritable();
        var scratch = RentScratch();
        message.WriteChecked(scratch);
        AppendEvent(WebSocketEventType.Text, "c:"u8, scratch.WrittenSpan);
    }

    /// <summary>
    /// Publishes <paramref name="text"/> to every subscriber of <paramref name="channel"/> except this
    /// connection, which must have subscribed with <see cref="GripFilters.SkipSelf"/>.
    /// </summary>
    public Task PublishToOthersAsync(string channel, string text, CancellationToken cancellationToken = default) =>
        Services.GetRequiredService<IGripPublisher>().PublishExceptAsync(channel, text, Id, cancellationToken);

    /// <summary>
    /// Publishes <paramref name="value"/> as JSON text to every subscriber of <paramref name="channel"/>
    /// except this connection (subscribed with <see cref="GripFilters.SkipSelf"/>): the typed
    /// counterpart of <see cref="PublishToOthersAsync"/>, serialized like <see cref="SendJson{T}"/>.
    /// </summary>
    public Task PublishJsonToOthersAsync<T>(string channel, T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default) =>
        Services.GetRequiredService<IGripPublisher>().PublishJsonExceptAsync(channel, value, typeInfo, Id, cancellationToken);

    /// <summary>Accepts the connection: writes the OPEN event (the dispatcher does this).</summary>
    internal void WriteOpen()
    {
        WebSocketEventWriter.WriteEvent(_response, WebSocketEventType.Open);
    }

    /// <summary>Echoes a client's close (the dispatcher does this).</summary>
    internal void WriteCloseEcho(ReadOnlySpan<byte> closePayload)
    {
        if (IsClosing)
        {
            return;
        }

        if (closePayload.Length >= 2)
        {
            // RFC 6455 §5.5.1: echo the code received. A code no endpoint may send (1005, 1006,
            // 1015, 0-999, ...) cannot be echoed: answer 1002 (protocol error) instead.
            int code = (closePayload[0] << 8) | closePayload[1];
            ReadOnlySpan<byte> echo = CloseCodes.IsValidToSend(code) ? closePayload[..2] : [CloseCodes.ProtocolError >> 8, CloseCodes.ProtocolError & 0xff];
            AppendEvent(WebSocketEventType.Close, ReadOnlySpan<byte>.Empty, echo, closing: true);
        }
        else
        {
            WebSocketEventWriter.WriteEvent(_response, WebSocketEventType.Close);
        }

        IsClosing = true;
    }

    /// <summary>Rejects with 500 and no exception text (a handler threw in OPEN).</summary>
    internal void RejectInternal()
    {
        _response.RejectStatusCode = 500;
        _response.RejectBody = null;
    }

    /// <summary>Marks the connection closed by the client without writing anything.</summary>
    internal void MarkClosing() => IsClosing = true;

    /// <summary>Discards every event written so far (a rejected OPEN sends none).</summary>
    internal void DiscardEvents() => _response.ClearEvents();

    internal void RecordFault(Exception exception) => _response.RecordFault(exception);

    /// <summary>
    /// Whether the automatic PONG for a PING with <paramref name="payloadLength"/> bytes fits the
    /// response and still leaves room for the closing CLOSE.
    /// </summary>
    internal bool CanWritePong(int payloadLength) =>
        !ResponseLimitReached && _response.WrittenCount + WebSocketEventWriter.GetEncodedLength(WebSocketEventType.Pong, payloadLength) <= GripLimits.MaxResponseBodyBytes - CloseReserveBytes;

    /// <summary>The framework ends the connection with a close code of its own (it always fits: see <see cref="CloseReserveBytes"/>).</summary>
    internal void CloseByFramework(GripFrameworkClose reason)
    {
        _response.FrameworkClose ??= reason;
        if (!IsClosing)
        {
            Close(reason.Code, reason.Reason);
        }
    }

    /// <summary>
    /// A handler did not finish in time: the host answers without this connection's buffer (a late
    /// handler may still write to it), so its pooled buffers are not returned to the pool on
    /// <see cref="Dispose"/> but left to the garbage collector, and later writes throw.
    /// </summary>
    /// <returns><see langword="false"/> when it was already abandoned.</returns>
    internal bool Abandon(GripFrameworkClose reason)
    {
        if (Interlocked.Exchange(ref _abandoned, 1) != 0)
        {
            return false;
        }

        _response.FrameworkClose = reason;
        return true;
    }

    /// <summary>
    /// Reads now what the connection would otherwise read from the request when first asked for (its
    /// services, user and meta): the host calls it before it ends the request under a handler that is
    /// still running (a handler timeout), which keeps them after the request's objects are reused.
    /// </summary>
    internal void CaptureRequestState()
    {
        Meta.Load();
        _ = Services;
        _ = User;
    }

    private IServiceProvider LoadServices()
    {
        // Only a host connection (the internal constructor) gets here: the public one takes the services.
        ObjectDisposedException.ThrowIf(_disposed, this);
        var services = _host!.Services;
        return Interlocked.CompareExchange(ref _services, services, null) ?? services;
    }

    private ClaimsPrincipal LoadUser()
    {
        if (_host is null)
        {
            // Created without a host (a test driving a handler): nobody signed in.
            var anonymous = new ClaimsPrincipal(new ClaimsIdentity());
            return Interlocked.CompareExchange(ref _user, anonymous, null) ?? anonymous;
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        var user = _host.User;
        return Interlocked.CompareExchange(ref _user, user, null) ?? user;
    }

    /// <summary>Whether the host gave up waiting for this connection's handler (<see cref="Abandon"/>).</summary>
    internal bool IsAbandoned => Volatile.Read(ref _abandoned) != 0;

    internal void WritePong(ReadOnlySpan<byte> payload) => WriteFrame(WebSocketEventType.Pong, payload);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (IsAbandoned)
        {
            // A timed-out handler may still be running and writing into these buffers: returning
            // them to the shared pool would let it write into another request's response.
            return;
        }

        _messageJson?.Dispose();
        _scratch?.Dispose();
        _response.Release();
    }

    private void WriteMessage(WebSocketEventType type, ReadOnlySpan<byte> payload)
    {
        EnsureWritable();
        if (payload.Length > GripLimits.MaxReplyPayloadBytes)
        {
            throw ReplyTooLarge(payload.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        AppendEvent(type, MessagePrefix, payload);
    }

    /// <summary>The GRIP prefix of a message's content (<c>c:</c> is a control message).</summary>
    private static ReadOnlySpan<byte> MessagePrefix => "m:"u8;

    private static GripLimitExceededException ReplyTooLarge(string bytes) =>
        new($"A message of {bytes} bytes cannot be sent in a WebSocket-over-HTTP response: Pushpin 1.36 silently never delivers one over {GripLimits.MaxReplyPayloadBytes} bytes (plus the 'm:' prefix). Publish it to a channel the connection is subscribed to instead (IGripPublisher), which has no such limit.");

    private void WriteFrame(WebSocketEventType type, ReadOnlySpan<byte> payload)
    {
        EnsureWritable();
        if (payload.Length > 125)
        {
            throw new ArgumentException("A ping or pong payload must be at most 125 bytes (RFC 6455 control frame).", nameof(payload));
        }

        if (payload.IsEmpty)
        {
            CheckBodyLimit(WebSocketEventWriter.GetEncodedLength(type, 0));
            WebSocketEventWriter.WriteEvent(_response, type);
        }
        else
        {
            AppendEvent(type, ReadOnlySpan<byte>.Empty, payload);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AppendEvent(WebSocketEventType type, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> payload, bool closing = false)
    {
        int encoded = WebSocketEventWriter.GetEncodedLength(type, prefix.Length + payload.Length);
        CheckBodyLimit(encoded, closing);

        // Straight into the response's buffer: one contiguous span (the limit above bounds it).
        _response.AdvanceEvents(WebSocketEventWriter.WriteEvent(_response.GetEventSpan(encoded), type, prefix, payload));
    }

    /// <summary>
    /// Refuses a write that would take the response over <see cref="GripLimits.MaxResponseBodyBytes"/>.
    /// Every write but the closing one (CLOSE, DISCONNECT) must also leave <see cref="CloseReserveBytes"/>
    /// free, so a connection can always be closed with a code.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckBodyLimit(int additional, bool closing = false)
    {
        int limit = closing ? GripLimits.MaxResponseBodyBytes : GripLimits.MaxResponseBodyBytes - CloseReserveBytes;
        if (_response.WrittenCount + additional > limit)
        {
            ThrowBodyLimit(additional);
        }
    }

    // Out of line: the check above runs for every write, the message text only once.
    [MethodImpl(MethodImplOptions.NoInlining)]
    [DoesNotReturn]
    private void ThrowBodyLimit(int additional)
    {
        ResponseLimitReached = true;
        throw new GripLimitExceededException(
            $"The response to the proxy would be {_response.WrittenCount + additional} bytes; Pushpin drops the connection when a response body exceeds {GripLimits.MaxResponseBodyBytes} bytes ({CloseReserveBytes} of them are kept for the closing CLOSE). Publish large or many messages instead.");
    }

    private PooledBufferWriter RentScratch()
    {
        var scratch = _scratch ??= new PooledBufferWriter();
        scratch.Clear();
        return scratch;
    }

    private void EnsureOpening(string operation)
    {
        if (!IsOpening)
        {
            throw new InvalidOperationException($"{operation} is only possible while the connection is opening (in [OnOpen]).");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EnsureWritable()
    {
        if (_disposed || IsClosing || IsAbandoned)
        {
            ThrowNotWritable();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    [DoesNotReturn]
    private void ThrowNotWritable()
    {
        ObjectDisposedException.ThrowIf(_disposed || IsAbandoned, this);
        throw new InvalidOperationException($"Connection {Id} is closing: nothing more can be sent to it in this batch.");
    }

    private static string[] ParseSubprotocols(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return [];
        }

        var parts = header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts;
    }
}
