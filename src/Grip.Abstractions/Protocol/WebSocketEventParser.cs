using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Grip.Protocol;

/// <summary>
/// The grammar shared by <see cref="WebSocketEventReader"/> and
/// <see cref="WebSocketEventSequenceReader"/>: parsing of one event line and the throw helpers.
/// </summary>
/// <remarks>
/// An event is <c>type [ SP hexlen ] CRLF [ content CRLF ]</c> (grip-spec §1.3). The readers find
/// the CRLF that ends the line (searching at most <see cref="MaxLineLength"/> + 2 bytes, so garbage
/// without CRLF is refused after a bounded scan instead of being buffered forever), hand the line
/// to <see cref="ParseLine"/>, and then take <c>hexlen</c> content bytes plus a CRLF that is checked,
/// unlike Pushpin, which skips two bytes blindly. The line of an ordinary TEXT or BINARY event is
/// read in one pass instead (<see cref="TryReadMessageLine"/>), with the same result.
/// </remarks>
internal static class WebSocketEventParser
{
    /// <summary>
    /// The longest event line accepted, without its CRLF. Pushpin's longest line is
    /// <c>DISCONNECT</c> or a type plus 8 hex digits; 256 leaves room for opaque types.
    /// </summary>
    public const int MaxLineLength = 256;

    /// <summary>The number of bytes searched for the CRLF that ends a line.</summary>
    public const int LineSearchLength = MaxLineLength + 2;

    public const byte Space = (byte)' ';
    public const byte CR = (byte)'\r';
    public const byte LF = (byte)'\n';

    public static ReadOnlySpan<byte> CrLf => "\r\n"u8;

    /// <summary>
    /// Reads one event at the start of <paramref name="rest"/>, which must not be empty. This is the
    /// whole grammar over one span; every reader calls it.
    /// </summary>
    /// <param name="rest">The bytes from the start of the event on.</param>
    /// <param name="isFinalBlock">Whether the body ends with <paramref name="rest"/>: an incomplete event is then an error.</param>
    /// <param name="offset">The body offset of <paramref name="rest"/>[0], for error messages.</param>
    /// <param name="type">The event type.</param>
    /// <param name="typeLength">The length of the type token (it starts at 0).</param>
    /// <param name="contentStart">Where the content starts.</param>
    /// <param name="contentLength">The content length, or -1 when the event has no content.</param>
    /// <param name="consumed">The length of the whole event.</param>
    /// <returns><see cref="OperationStatus.Done"/>, or <see cref="OperationStatus.NeedMoreData"/> when the event is incomplete and more bytes may come.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static OperationStatus ReadEvent(ReadOnlySpan<byte> rest, bool isFinalBlock, long offset, out WebSocketEventType type, out int typeLength, out int contentStart, out int contentLength, out int consumed)
    {
        if (!TryReadMessageLine(rest, out type, out typeLength, out contentLength, out int lineEnd))
        {
            lineEnd = FindCrLf(rest[..Math.Min(rest.Length, LineSearchLength)]);
            if (lineEnd < 0 || lineEnd > MaxLineLength)
            {
                if (isFinalBlock || rest.Length >= LineSearchLength)
                {
                    ThrowNoLineEnd(offset, rest.Length);
                }

                return NeedMoreData(out type, out typeLength, out contentStart, out contentLength, out consumed);
            }

            contentLength = ParseLine(rest[..lineEnd], offset, out type, out typeLength);
        }

        contentStart = lineEnd + 2;
        if (contentLength < 0)
        {
            consumed = contentStart;
            return OperationStatus.Done;
        }

        // Long arithmetic: contentLength may be up to int.MaxValue.
        long available = rest.Length - contentStart;
        if (available < (long)contentLength + 2)
        {
            // A byte already there after the content that is not CR is an error right away.
            if (available > contentLength && rest[contentStart + contentLength] != CR)
            {
                ThrowMissingCrLf(offset + contentStart + contentLength);
            }

            if (isFinalBlock)
            {
                ThrowTruncated(offset + contentStart, contentLength, available);
            }

            return NeedMoreData(out type, out typeLength, out contentStart, out contentLength, out consumed);
        }

        int contentEnd = contentStart + contentLength;
        if (rest[contentEnd] != CR || rest[contentEnd + 1] != LF)
        {
            ThrowMissingCrLf(offset + contentEnd);
        }

        consumed = contentEnd + 2;
        return OperationStatus.Done;
    }

    /// <summary>
    /// The line of a TEXT or BINARY event with a length of one to seven hex digits (<c>TEXT 40</c> CRLF):
    /// nearly every line of a busy connection, read in one forward pass instead of a search for the
    /// CRLF, one for the space, a type lookup and the hex parse. It accepts only lines the general
    /// path accepts, with the same result (the type, its length, the content length, where the line
    /// ends); anything else (another type, no digit, an eighth digit, a byte that is not CRLF after
    /// the digits, a line not all there yet) returns <see langword="false"/> and goes the general way,
    /// which also words the errors.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TryReadMessageLine(ReadOnlySpan<byte> rest, out WebSocketEventType type, out int typeLength, out int contentLength, out int lineEnd)
    {
        int digits;
        if (rest.Length >= 8 && BinaryPrimitives.ReadUInt32LittleEndian(rest) == TextTag && rest[4] == Space)
        {
            type = WebSocketEventType.Text;
            typeLength = 4;
            digits = 5;
        }
        else if (rest.Length >= 10 && rest.StartsWith("BINARY "u8))
        {
            type = WebSocketEventType.Binary;
            typeLength = 6;
            digits = 7;
        }
        else
        {
            return Miss(out type, out typeLength, out contentLength, out lineEnd);
        }

        // Seven hex digits at most: 0xFFFFFFF cannot overflow an int, so no check is needed here.
        int end = Math.Min(rest.Length - 2, digits + 7);
        int length = 0;
        int i = digits;
        for (; i < end; i++)
        {
            int digit = HexValue(rest[i]);
            if (digit < 0)
            {
                break;
            }

            length = (length << 4) | digit;
        }

        if (i == digits || (uint)(i + 1) >= (uint)rest.Length || rest[i] != CR || rest[i + 1] != LF)
        {
            return Miss(out type, out typeLength, out contentLength, out lineEnd);
        }

        contentLength = length;
        lineEnd = i;
        return true;
    }

    /// <summary>"TEXT" as the little-endian 32-bit integer of its four bytes.</summary>
    private const uint TextTag = 'T' | ('E' << 8) | ('X' << 16) | ((uint)'T' << 24);

    private static bool Miss(out WebSocketEventType type, out int typeLength, out int contentLength, out int lineEnd)
    {
        type = WebSocketEventType.Unknown;
        typeLength = 0;
        contentLength = 0;
        lineEnd = 0;
        return false;
    }

    /// <summary>The index of the first CRLF in <paramref name="window"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FindCrLf(ReadOnlySpan<byte> window)
    {
        // The first CR almost always starts the CRLF: a one-byte search is cheaper than a
        // two-byte one. A CR without LF (invalid anyway) falls back to the full search, so the
        // answer, and the error it leads to, are the same.
        int cr = IndexOfShort(window, CR);
        if (cr < 0)
        {
            return -1;
        }

        return cr + 1 < window.Length && window[cr + 1] == LF ? cr : window.IndexOf(CrLf);
    }

    /// <summary>
    /// <see cref="MemoryExtensions.IndexOf{T}(ReadOnlySpan{T}, T)"/> for the few bytes of an event
    /// line (<c>TEXT 2e</c>): a plain loop over the first 16 bytes costs less than setting up the
    /// vectorized search, which takes over for anything longer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int IndexOfShort(ReadOnlySpan<byte> span, byte value)
    {
        int head = Math.Min(span.Length, ShortScanLength);
        for (int i = 0; i < head; i++)
        {
            if (span[i] == value)
            {
                return i;
            }
        }

        if (span.Length <= ShortScanLength)
        {
            return -1;
        }

        int rest = span[ShortScanLength..].IndexOf(value);
        return rest < 0 ? -1 : ShortScanLength + rest;
    }

    private const int ShortScanLength = 16;

    private static OperationStatus NeedMoreData(out WebSocketEventType type, out int typeLength, out int contentStart, out int contentLength, out int consumed)
    {
        type = WebSocketEventType.Unknown;
        typeLength = contentStart = contentLength = consumed = 0;
        return OperationStatus.NeedMoreData;
    }

    /// <summary>
    /// Parses an event line (without its CRLF).
    /// </summary>
    /// <param name="line">The line.</param>
    /// <param name="offset">The body offset of the line's first byte, for error messages.</param>
    /// <param name="type">The event type (<see cref="WebSocketEventType.Unknown"/> for an opaque one).</param>
    /// <param name="typeLength">The length of the type token.</param>
    /// <returns>The content length, or -1 when the event has no content.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ParseLine(ReadOnlySpan<byte> line, long offset, out WebSocketEventType type, out int typeLength)
    {
        int space = IndexOfShort(line, Space);
        var typeSpan = space < 0 ? line : line[..space];
        type = WebSocketEventTypes.Parse(typeSpan);
        if (type == WebSocketEventType.Unknown)
        {
            ValidateUnknownType(typeSpan, offset);
        }

        typeLength = typeSpan.Length;
        return space < 0 ? -1 : ParseHexLength(line[(space + 1)..], offset + space + 1);
    }

    private static void ValidateUnknownType(ReadOnlySpan<byte> typeSpan, long offset)
    {
        if (typeSpan.IsEmpty)
        {
            ThrowFormat(offset, "the event type is empty");
        }

        for (int i = 0; i < typeSpan.Length; i++)
        {
            byte b = typeSpan[i];
            if (b <= 0x20 || b >= 0x7F)
            {
                ThrowFormat(offset + i, $"the event type contains byte 0x{b:x2}; a type is printable ASCII without spaces");
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ParseHexLength(ReadOnlySpan<byte> hex, long offset)
    {
        if (hex.IsEmpty)
        {
            ThrowFormat(offset, "the content length after the space is empty");
        }

        long length = 0;
        for (int i = 0; i < hex.Length; i++)
        {
            int digit = HexValue(hex[i]);
            if (digit < 0)
            {
                ThrowFormat(offset + i, $"the content length contains byte 0x{hex[i]:x2}, which is not a hexadecimal digit");
            }

            length = (length << 4) | (uint)digit;
            if (length > int.MaxValue)
            {
                // The reason names no input text: it may reach a 400 response body. Offsets and
                // single byte values are enough to find the problem.
                ThrowFormat(offset, $"the content length overflows: more than {int.MaxValue} bytes after {i + 1} hex digits");
            }
        }

        return (int)length;
    }

    /// <summary>The value of an ASCII hexadecimal digit (either case), or -1 for any other byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int HexValue(byte b)
    {
        uint d = (uint)(b - '0');
        if (d <= 9)
        {
            return (int)d;
        }

        uint l = (uint)((b | 0x20) - 'a');
        return l <= 5 ? (int)l + 10 : -1;
    }

    /// <summary>Throws for a line without CRLF (or one longer than <see cref="MaxLineLength"/>).</summary>
    [DoesNotReturn]
    public static void ThrowNoLineEnd(long offset, long available)
    {
        if (available >= LineSearchLength)
        {
            ThrowFormat(offset, $"no CRLF within {LineSearchLength} bytes: an event line is at most {MaxLineLength} bytes");
        }

        ThrowFormat(offset, "the event line has no CRLF (the body ends inside it)");
    }

    /// <summary>Throws for content that the body ends inside of.</summary>
    [DoesNotReturn]
    public static void ThrowTruncated(long contentOffset, int length, long available)
    {
        if (available < length)
        {
            ThrowFormat(contentOffset, $"the content is truncated: {length} bytes announced, {available} present");
        }

        ThrowFormat(contentOffset + length, "the content is not followed by CRLF (the body ends)");
    }

    /// <summary>Throws for content followed by something other than CRLF.</summary>
    [DoesNotReturn]
    public static void ThrowMissingCrLf(long offset) =>
        ThrowFormat(offset, "the content is not followed by CRLF (the announced length does not match the content)");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowFormat(long offset, string reason) => throw new WebSocketFormatException(offset, reason);
}
