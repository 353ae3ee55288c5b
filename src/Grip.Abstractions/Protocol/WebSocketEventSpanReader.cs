using System.Buffers;
using static Grip.Protocol.WebSocketEventParser;

namespace Grip.Protocol;

/// <summary>
/// Decodes WebSocket-over-HTTP events from a <see cref="ReadOnlySpan{T}"/> (stack memory, native
/// memory, a slice of anything), with events whose content is a span of the input. Same grammar,
/// errors and <see cref="OperationStatus"/> protocol as <see cref="WebSocketEventReader"/>; use that
/// one when events must outlive the call (its content is <see cref="ReadOnlyMemory{T}"/>).
/// </summary>
public ref struct WebSocketEventSpanReader
{
    private readonly ReadOnlySpan<byte> _body;
    private readonly long _bodyOffset;
    private readonly bool _isFinalBlock;
    private int _position;

    /// <summary>Creates a reader.</summary>
    /// <param name="body">The bytes.</param>
    /// <param name="isFinalBlock"><see langword="true"/> when the body ends here: an incomplete event is then an error.</param>
    /// <param name="bodyOffset">The body offset of <paramref name="body"/>'s first byte, for error messages.</param>
    public WebSocketEventSpanReader(ReadOnlySpan<byte> body, bool isFinalBlock = true, long bodyOffset = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bodyOffset);
        _body = body;
        _isFinalBlock = isFinalBlock;
        _bodyOffset = bodyOffset;
        _position = 0;
    }

    /// <summary>The number of bytes consumed: the end of the last complete event read.</summary>
    public readonly int Consumed => _position;

    /// <summary>Whether every byte has been consumed.</summary>
    public readonly bool End => _position >= _body.Length;

    /// <summary>Reads the next event.</summary>
    /// <returns>
    /// <see cref="OperationStatus.Done"/> with an event, or <see cref="OperationStatus.NeedMoreData"/>
    /// when the remaining bytes hold no complete event (for a final block: none are left).
    /// </returns>
    /// <exception cref="WebSocketFormatException">The bytes are malformed, or a final block ends inside an event.</exception>
    public OperationStatus TryRead(out WebSocketSpanEvent webSocketEvent)
    {
        int start = _position;
        if (start >= _body.Length
            || ReadEvent(_body[start..], _isFinalBlock, _bodyOffset + start, out var type, out int typeLength, out int contentStart, out int contentLength, out int consumed) != OperationStatus.Done)
        {
            webSocketEvent = default;
            return OperationStatus.NeedMoreData;
        }

        var typeName = type == WebSocketEventType.Unknown
            ? _body.Slice(start, typeLength)
            : WebSocketEventTypes.GetName(type).Span;
        webSocketEvent = contentLength < 0
            ? new WebSocketSpanEvent(type, typeName, hasContent: false, content: default)
            : new WebSocketSpanEvent(type, typeName, hasContent: true, _body.Slice(start + contentStart, contentLength));
        _position = start + consumed;
        return OperationStatus.Done;
    }
}
