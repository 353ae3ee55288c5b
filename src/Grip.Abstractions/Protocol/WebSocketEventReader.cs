namespace Grip.Protocol;

/// <summary>
/// Decodes a complete WebSocket-over-HTTP body held in memory, one event at a time, without copying
/// content and without allocating.
/// </summary>
/// <remarks>
/// Grammar (grip-spec §1.3): <c>event = type [ SP hexlen ] CRLF [ content CRLF ]</c>.
/// The reader is strict: the line must end in CRLF, the length must be hexadecimal (either case,
/// no sign, no <c>0x</c>), the content must be complete and followed by CRLF. Any violation throws
/// <see cref="WebSocketFormatException"/> naming the byte offset.
/// </remarks>
public struct WebSocketEventReader
{
    private readonly ReadOnlyMemory<byte> _body;
    private int _position;

    /// <summary>Creates a reader over a whole body.</summary>
    public WebSocketEventReader(ReadOnlyMemory<byte> body)
    {
        _body = body;
        _position = 0;
    }

    /// <summary>The number of bytes consumed so far.</summary>
    public readonly int Position => _position;

    /// <summary>Reads the next event.</summary>
    /// <returns><see langword="false"/> at the end of the body.</returns>
    /// <exception cref="WebSocketFormatException">The body is malformed.</exception>
    public bool Read(out WebSocketEvent webSocketEvent)
    {
        var span = _body.Span;
        if (_position >= span.Length)
        {
            webSocketEvent = default;
            return false;
        }

        var rest = span[_position..];
        int lineEnd = rest.IndexOf("\r\n"u8);
        if (lineEnd < 0)
        {
            throw new WebSocketFormatException(_position, "the event line has no CRLF");
        }

        var line = rest[..lineEnd];
        int space = line.IndexOf((byte)' ');
        var typeSpan = space < 0 ? line : line[..space];
        if (typeSpan.IsEmpty)
        {
            throw new WebSocketFormatException(_position, "the event type is empty");
        }

        foreach (byte b in typeSpan)
        {
            if (b <= 0x20 || b >= 0x7F)
            {
                throw new WebSocketFormatException(_position, "the event type is not printable ASCII");
            }
        }

        var type = WebSocketEventTypes.Parse(typeSpan);
        var typeName = type == WebSocketEventType.Unknown
            ? _body.Slice(_position, typeSpan.Length)
            : WebSocketEventTypes.GetName(type);

        if (space < 0)
        {
            _position += lineEnd + 2;
            webSocketEvent = new WebSocketEvent(type, typeName, hasContent: false, content: default);
            return true;
        }

        var hex = line[(space + 1)..];
        int lengthOffset = _position + space + 1;
        if (hex.IsEmpty)
        {
            throw new WebSocketFormatException(lengthOffset, "the content length is empty");
        }

        long length = 0;
        for (int i = 0; i < hex.Length; i++)
        {
            int digit = HexValue(hex[i]);
            if (digit < 0)
            {
                throw new WebSocketFormatException(lengthOffset + i, "the content length is not hexadecimal");
            }

            length = (length << 4) | (uint)digit;
            if (length > int.MaxValue)
            {
                throw new WebSocketFormatException(lengthOffset, "the content length overflows");
            }
        }

        int contentStart = _position + lineEnd + 2;
        if (span.Length - contentStart < length)
        {
            throw new WebSocketFormatException(contentStart, $"the content is truncated: {length} bytes announced, {span.Length - contentStart} present");
        }

        int contentEnd = contentStart + (int)length;
        if (span.Length - contentEnd < 2)
        {
            throw new WebSocketFormatException(contentEnd, "the content is not followed by CRLF (body ends)");
        }

        if (span[contentEnd] != (byte)'\r' || span[contentEnd + 1] != (byte)'\n')
        {
            throw new WebSocketFormatException(contentEnd, "the content is not followed by CRLF");
        }

        webSocketEvent = new WebSocketEvent(type, typeName, hasContent: true, content: _body.Slice(contentStart, (int)length));
        _position = contentEnd + 2;
        return true;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
