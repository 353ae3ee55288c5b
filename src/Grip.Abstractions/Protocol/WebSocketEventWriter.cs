using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace Grip.Protocol;

/// <summary>
/// Encodes WebSocket-over-HTTP events exactly as Pushpin and js-grip write them: lowercase hex
/// length without leading zeros, <c>TYPE\r\n</c> for an event without content.
/// </summary>
public static class WebSocketEventWriter
{
    /// <summary>The largest number of bytes one event header line can take, including CRLF.</summary>
    internal const int MaxHeaderLength = 10 /* DISCONNECT */ + 1 + 8 + 2;

    /// <summary>Writes an event without content: <c>TYPE\r\n</c>.</summary>
    public static void WriteEvent(IBufferWriter<byte> writer, WebSocketEventType type)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var name = WebSocketEventTypes.GetName(type).Span;
        var span = writer.GetSpan(name.Length + 2);
        name.CopyTo(span);
        span[name.Length] = (byte)'\r';
        span[name.Length + 1] = (byte)'\n';
        writer.Advance(name.Length + 2);
    }

    /// <summary>Writes an event with content: <c>TYPE len\r\ncontent\r\n</c> (empty content gives <c>TYPE 0\r\n\r\n</c>).</summary>
    public static void WriteEvent(IBufferWriter<byte> writer, WebSocketEventType type, ReadOnlySpan<byte> content) =>
        WriteEvent(writer, type, ReadOnlySpan<byte>.Empty, content);

    /// <summary>
    /// Writes an event whose content is <paramref name="prefix"/> followed by <paramref name="content"/>,
    /// without first joining them (used for the GRIP <c>m:</c> and <c>c:</c> prefixes).
    /// </summary>
    public static void WriteEvent(IBufferWriter<byte> writer, WebSocketEventType type, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> content)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var name = WebSocketEventTypes.GetName(type).Span;
        int length = prefix.Length + content.Length;

        // Fast path: the whole event fits the span the writer already has (the usual case for
        // small messages): one GetSpan, one Advance.
        var span = writer.GetSpan();
        long total = (long)name.Length + 1 + HexDigits(length) + 2 + length + 2;
        if (span.Length >= total)
        {
            writer.Advance(WriteEvent(span, type, prefix, content));
            return;
        }

        WriteHeader(writer, name, length);
        WriteBytes(writer, prefix);
        WriteBytes(writer, content);
        WriteBytes(writer, "\r\n"u8);
    }

    /// <summary>
    /// Writes the header line <c>TYPE len\r\n</c> of an event with <paramref name="length"/> content
    /// bytes at the start of <paramref name="destination"/>, which has room for it; returns its length.
    /// The caller writes the content and the closing CRLF (<see cref="GetEncodedLength"/> bytes in all).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int WriteHeader(Span<byte> destination, WebSocketEventType type, int length)
    {
        var name = WebSocketEventTypes.GetNameSpan(type);
        int digits = HexDigits(length);
        name.CopyTo(destination);
        int pos = name.Length;
        destination[pos++] = (byte)' ';
        WriteHex(destination.Slice(pos, digits), (uint)length);
        pos += digits;
        destination[pos++] = (byte)'\r';
        destination[pos++] = (byte)'\n';
        return pos;
    }

    /// <summary>
    /// Writes the whole event <c>TYPE len\r\n</c> + <paramref name="prefix"/> + <paramref name="content"/>
    /// + <c>\r\n</c> at the start of <paramref name="destination"/>, which has room for it
    /// (<see cref="GetEncodedLength"/>); returns its length.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int WriteEvent(Span<byte> destination, WebSocketEventType type, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> content)
    {
        int pos = WriteHeader(destination, type, prefix.Length + content.Length);
        prefix.CopyTo(destination[pos..]);
        pos += prefix.Length;
        content.CopyTo(destination[pos..]);
        pos += content.Length;
        destination[pos++] = (byte)'\r';
        destination[pos++] = (byte)'\n';
        return pos;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteHex(Span<byte> destination, uint value)
    {
        for (int i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = "0123456789abcdef"u8[(int)(value & 0xF)];
            value >>= 4;
        }
    }

    /// <summary>
    /// Writes a CLOSE event with a code (default 1000) and an optional reason:
    /// <c>CLOSE n\r\n</c> + 2-byte big-endian code + UTF-8 reason + <c>\r\n</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The code cannot be sent (0-999, 1004-1006, 1015, 1016-2999, above 4999).</exception>
    /// <exception cref="ArgumentException">The reason is over 123 UTF-8 bytes.</exception>
    public static void WriteClose(IBufferWriter<byte> writer, int code = CloseCodes.Normal, string? reason = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        CloseCodes.Validate(code, reason);
        Span<byte> payload = stackalloc byte[2 + CloseCodes.MaxReasonBytes];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)code);
        int length = 2 + (reason is null ? 0 : Encoding.UTF8.GetBytes(reason, payload[2..]));
        WriteEvent(writer, WebSocketEventType.Close, payload[..length]);
    }

    /// <summary>Writes any event, including an opaque one of unknown type.</summary>
    /// <exception cref="ArgumentException">The event is <see langword="default"/> (it has no type name).</exception>
    public static void WriteEvent(IBufferWriter<byte> writer, in WebSocketEvent webSocketEvent)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var name = webSocketEvent.TypeName.Span;
        if (name.IsEmpty)
        {
            throw new ArgumentException("The event has no type name (a default WebSocketEvent); create events with the WebSocketEvent constructors.", nameof(webSocketEvent));
        }

        if (!webSocketEvent.HasContent)
        {
            WriteBytes(writer, name);
            WriteBytes(writer, "\r\n"u8);
            return;
        }

        WriteHeader(writer, name, webSocketEvent.Content.Length);
        WriteBytes(writer, webSocketEvent.Content.Span);
        WriteBytes(writer, "\r\n"u8);
    }

    /// <summary>The number of bytes <c>TYPE len\r\n…\r\n</c> takes for a content of <paramref name="contentLength"/> bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int GetEncodedLength(WebSocketEventType type, int contentLength) =>
        WebSocketEventTypes.GetNameSpan(type).Length + 1 + HexDigits(contentLength) + 2 + contentLength + 2;

    private static void WriteHeader(IBufferWriter<byte> writer, ReadOnlySpan<byte> name, int length)
    {
        var span = writer.GetSpan(name.Length + 1 + 8 + 2);
        name.CopyTo(span);
        int pos = name.Length;
        span[pos++] = (byte)' ';
        if (!Utf8Formatter.TryFormat((uint)length, span[pos..], out int written, new StandardFormat('x')))
        {
            throw new InvalidOperationException("Unreachable: a 32-bit length always fits 8 hex digits.");
        }

        pos += written;
        span[pos++] = (byte)'\r';
        span[pos++] = (byte)'\n';
        writer.Advance(pos);
    }

    private static void WriteBytes(IBufferWriter<byte> writer, ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var span = writer.GetSpan(1);
            int n = Math.Min(span.Length, bytes.Length);
            bytes[..n].CopyTo(span);
            writer.Advance(n);
            bytes = bytes[n..];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int HexDigits(int value) =>
        // One digit per started group of 4 bits, at least one (0 is "0"); lengths are never negative.
        (BitOperations.Log2((uint)value) >> 2) + 1;
}
