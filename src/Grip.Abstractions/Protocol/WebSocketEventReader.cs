using System.Buffers;
using System.Runtime.CompilerServices;
using static Grip.Protocol.WebSocketEventParser;

namespace Grip.Protocol;

/// <summary>
/// Decodes a WebSocket-over-HTTP body held in memory, one event at a time, without copying
/// content and without allocating.
/// </summary>
/// <remarks>
/// <para>
/// Grammar (grip-spec §1.3): <c>event = type [ SP hexlen ] CRLF [ content CRLF ]</c>.
/// The reader is strict: the line must end in CRLF within 256 bytes, the length must be
/// hexadecimal (either case, no sign, no <c>0x</c>, at most <see cref="int.MaxValue"/>), the
/// content must be complete and followed by CRLF. Any violation throws
/// <see cref="WebSocketFormatException"/> naming the byte offset and the reason.
/// </para>
/// <para>
/// <see cref="Read(out WebSocketEvent)"/> treats the memory as the whole body. For a body that
/// arrives in pieces, create the reader with <c>isFinalBlock: false</c> and call
/// <see cref="TryRead(out WebSocketEvent)"/>: an incomplete last event is then
/// <see cref="OperationStatus.NeedMoreData"/> and <see cref="Consumed"/> says where it starts.
/// A body split over several buffers is better read with <see cref="WebSocketEventSequenceReader"/>.
/// </para>
/// </remarks>
public struct WebSocketEventReader
{
    private readonly ReadOnlyMemory<byte> _body;
    private readonly long _bodyOffset;
    private readonly bool _isFinalBlock;
    private int _position;

    /// <summary>Creates a reader over a whole body.</summary>
    public WebSocketEventReader(ReadOnlyMemory<byte> body)
        : this(body, isFinalBlock: true)
    {
    }

    /// <summary>Creates a reader over a body or the start of one.</summary>
    /// <param name="body">The bytes.</param>
    /// <param name="isFinalBlock">
    /// <see langword="true"/> when <paramref name="body"/> ends the body: an incomplete event is
    /// then an error. <see langword="false"/> when more bytes may follow: an incomplete event is
    /// <see cref="OperationStatus.NeedMoreData"/>.
    /// </param>
    /// <param name="bodyOffset">The body offset of <paramref name="body"/>'s first byte, used in error messages.</param>
    public WebSocketEventReader(ReadOnlyMemory<byte> body, bool isFinalBlock, long bodyOffset = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bodyOffset);
        _body = body;
        _isFinalBlock = isFinalBlock;
        _bodyOffset = bodyOffset;
        _position = 0;
    }

    /// <summary>The number of bytes consumed so far: the end of the last event read.</summary>
    public readonly int Position => _position;

    /// <summary>The same as <see cref="Position"/>: where an incomplete event starts after <see cref="OperationStatus.NeedMoreData"/>.</summary>
    public readonly int Consumed => _position;

    /// <summary>Whether every byte has been consumed.</summary>
    public readonly bool End => _position >= _body.Length;

    /// <summary>Whether the memory ends the body (see the constructor).</summary>
    public readonly bool IsFinalBlock => _isFinalBlock;

    /// <summary>Reads the next event, treating the memory as the whole body.</summary>
    /// <returns><see langword="false"/> at the end of the body.</returns>
    /// <exception cref="WebSocketFormatException">The body is malformed or ends inside an event.</exception>
    public bool Read(out WebSocketEvent webSocketEvent) =>
        ReadCore(_body.Span, isFinalBlock: true, out webSocketEvent) == OperationStatus.Done;

    /// <summary>Reads the next event.</summary>
    /// <returns>
    /// <see cref="OperationStatus.Done"/> with an event, or <see cref="OperationStatus.NeedMoreData"/>
    /// when the remaining bytes hold no complete event (at the end of a final block: none are left).
    /// Nothing is consumed by <see cref="OperationStatus.NeedMoreData"/>.
    /// </returns>
    /// <exception cref="WebSocketFormatException">The bytes are malformed, or a final block ends inside an event.</exception>
    public OperationStatus TryRead(out WebSocketEvent webSocketEvent) =>
        ReadCore(_body.Span, _isFinalBlock, out webSocketEvent);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private OperationStatus ReadCore(ReadOnlySpan<byte> span, bool isFinalBlock, out WebSocketEvent webSocketEvent)
    {
        int start = _position;
        if ((uint)start >= (uint)span.Length)
        {
            webSocketEvent = default;
            return OperationStatus.NeedMoreData;
        }

        if (ReadEvent(span[start..], isFinalBlock, _bodyOffset + start, out var type, out int typeLength, out int contentStart, out int contentLength, out int consumed) != OperationStatus.Done)
        {
            webSocketEvent = default;
            return OperationStatus.NeedMoreData;
        }

        var typeName = type == WebSocketEventType.Unknown
            ? _body.Slice(start, typeLength)
            : WebSocketEventTypes.GetName(type);
        webSocketEvent = contentLength < 0
            ? new WebSocketEvent(type, typeName, hasContent: false, content: default)
            : new WebSocketEvent(type, typeName, hasContent: true, content: _body.Slice(start + contentStart, contentLength));
        _position = start + consumed;
        return OperationStatus.Done;
    }
}
