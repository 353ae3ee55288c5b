using System.Buffers;
using Grip.Internal;

namespace Grip.Infrastructure;

/// <summary>
/// What a host sends back to the proxy for one batch: the encoded events, a rejection, the accepted
/// subprotocol, a <c>Keep-Alive-Interval</c>, and what the host logs (handler faults, a close the
/// framework made). The host creates it, hands it to <see cref="GripConnection(string, IGripRequest, IServiceProvider, GripMeta?, GripResponse?)"/>,
/// runs the dispatch, and reads it; the handler holds only the <see cref="GripConnection"/>, whose
/// methods fill it. It lives and is returned to the pool with the connection (<see cref="GripConnection.Dispose"/>).
/// </summary>
/// <remarks>
/// It is the response buffer itself (arrays rented from <see cref="ArrayPool{T}.Shared"/>), so a
/// request allocates no more objects than when the connection held the buffer.
/// </remarks>
public sealed class GripResponse : IBufferWriter<byte>
{
    private PooledBuffer _events = new(256);
    private List<Exception>? _faults;

    /// <summary>The encoded WebSocket-over-HTTP events of the response body so far.</summary>
    public ReadOnlyMemory<byte> Events => _events.WrittenMemory;

    /// <summary>Whether a handler (or the framework, after an OPEN fault) rejected the connection.</summary>
    public bool IsRejected => RejectStatusCode is not null;

    /// <summary>The HTTP status of a rejection.</summary>
    public int? RejectStatusCode { get; internal set; }

    /// <summary>The body of a rejection, relayed to the client by the proxy.</summary>
    public string? RejectBody { get; internal set; }

    /// <summary>The subprotocol the handler accepted (<c>Sec-WebSocket-Protocol</c> of the handshake answer), if any.</summary>
    public string? Subprotocol { get; internal set; }

    /// <summary>The keep-alive polling interval the handler asked for; <see langword="null"/> turns polling off.</summary>
    public TimeSpan? KeepAliveInterval { get; internal set; }

    /// <summary>Whether <see cref="KeepAliveInterval"/> was set during this request (send it as <c>Keep-Alive-Interval</c>).</summary>
    public bool KeepAliveIntervalChanged { get; internal set; }

    /// <summary>Exceptions thrown by handlers during this batch; the dispatcher records them for the host to log.</summary>
    public IReadOnlyList<Exception> Faults => (IReadOnlyList<Exception>?)_faults ?? [];

    /// <summary>
    /// Why the framework itself ended this connection in this batch, when it did (the response would
    /// have crossed a proxy limit, a control frame broke RFC 6455, a handler timed out); <see langword="null"/>
    /// otherwise. The host logs it with the connection id (docs/lifecycle.md).
    /// </summary>
    public GripFrameworkClose? FrameworkClose { get; internal set; }

    internal int WrittenCount => _events.WrittenCount;

    internal void RecordFault(Exception exception) => (_faults ??= []).Add(exception);

    /// <summary>Discards every event written so far.</summary>
    internal void ClearEvents() => _events.Clear();

    /// <summary>Returns the buffer to the pool.</summary>
    internal void Release() => _events.Dispose();

    /// <summary>Makes room for about <paramref name="bytes"/> bytes of events up front (one rent instead of growing step by step).</summary>
    internal void Reserve(int bytes) => _events.GetSpan(bytes);

    /// <summary>Room for <paramref name="sizeHint"/> more bytes of events (the connection writes there directly, without interface calls).</summary>
    internal Span<byte> GetEventSpan(int sizeHint) => _events.GetSpan(sizeHint);

    /// <summary>Commits <paramref name="count"/> bytes written into <see cref="GetEventSpan"/>.</summary>
    internal void AdvanceEvents(int count) => _events.Advance(count);

    void IBufferWriter<byte>.Advance(int count) => _events.Advance(count);

    Memory<byte> IBufferWriter<byte>.GetMemory(int sizeHint) => _events.GetMemory(sizeHint);

    Span<byte> IBufferWriter<byte>.GetSpan(int sizeHint) => _events.GetSpan(sizeHint);
}
