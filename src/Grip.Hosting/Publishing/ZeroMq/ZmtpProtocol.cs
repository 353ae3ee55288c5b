using System.Buffers.Binary;
using System.Text;

namespace Grip.Hosting.Publishing.ZeroMq;

/// <summary>
/// The parts of ZMTP 3.0 (ZeroMQ's wire protocol, rfc.zeromq.org spec 23) and the two commands of
/// 3.1 (spec 37) that a PUB socket with the NULL security mechanism needs: the greeting, the READY
/// handshake command, and message/command frames.
/// </summary>
/// <remarks>
/// <para>A frame is one flags byte (bit 0 MORE: another frame of the same message follows; bit 1
/// LONG: the size is 8 bytes instead of 1; bit 2 COMMAND), the size in network byte order, then the
/// body. A command's body is a one-byte name length, the name, then the command data.</para>
/// <para>We announce version 3.0. A 3.1 peer (libzmq 4.3, as in Pushpin 1.36) then sends
/// subscriptions as messages whose first byte is 1 (subscribe) or 0 (cancel); the 3.1 SUBSCRIBE and
/// CANCEL commands are understood as well.</para>
/// </remarks>
internal static class ZmtpProtocol
{
    /// <summary>The greeting's length: signature (10), version (2), mechanism (20), as-server (1), filler (31).</summary>
    public const int GreetingLength = 64;

    public const byte FlagMore = 0x01;
    public const byte FlagLong = 0x02;
    public const byte FlagCommand = 0x04;

    /// <summary>Our greeting: ZMTP 3.0, mechanism NULL, not as-server.</summary>
    public static ReadOnlySpan<byte> Greeting =>
    [
        0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0x7F, // signature
        3, 0,                               // version 3.0
        (byte)'N', (byte)'U', (byte)'L', (byte)'L', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // mechanism, 20 bytes
        0,                                  // as-server
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // filler, 31 bytes
    ];

    /// <summary>Checks a peer's greeting; returns the reason it is unusable, or <see langword="null"/>.</summary>
    public static string? CheckGreeting(ReadOnlySpan<byte> greeting)
    {
        if (greeting.Length < GreetingLength || greeting[0] != 0xFF || (greeting[9] & 0x01) == 0)
        {
            return "not a ZMTP 3 peer (bad greeting signature)";
        }

        if (greeting[10] < 3)
        {
            return $"ZMTP version {greeting[10]}.{greeting[11]} is too old (3.0 or later is needed)";
        }

        var mechanism = greeting.Slice(12, 20);
        int end = mechanism.IndexOf((byte)0);
        var name = end < 0 ? mechanism : mechanism[..end];
        if (!name.SequenceEqual("NULL"u8))
        {
            return $"security mechanism '{Encoding.ASCII.GetString(name)}' is not supported (only NULL: keep the PUB port on a trusted network)";
        }

        return null;
    }

    /// <summary>The READY command announcing <c>Socket-Type: PUB</c>.</summary>
    public static byte[] ReadyCommand()
    {
        var body = new List<byte>(32);
        AppendShortString(body, "READY"u8);
        AppendProperty(body, "Socket-Type"u8, "PUB"u8);
        return EncodeFrame(FlagCommand, [.. body]);
    }

    /// <summary>Reads the <c>Socket-Type</c> property from the data of a READY command.</summary>
    /// <returns>The socket type, or <see langword="null"/> when the metadata is malformed or has none.</returns>
    public static string? ReadSocketType(ReadOnlySpan<byte> metadata)
    {
        string? socketType = null;
        while (!metadata.IsEmpty)
        {
            int nameLength = metadata[0];
            if (nameLength == 0 || metadata.Length < 1 + nameLength + 4)
            {
                return null;
            }

            var name = metadata.Slice(1, nameLength);
            uint valueLength = BinaryPrimitives.ReadUInt32BigEndian(metadata.Slice(1 + nameLength, 4));
            metadata = metadata[(1 + nameLength + 4)..];
            if (valueLength > (uint)metadata.Length)
            {
                return null;
            }

            if (Ascii.EqualsIgnoreCase(name, "Socket-Type"u8))
            {
                socketType = Encoding.ASCII.GetString(metadata[..(int)valueLength]);
            }

            metadata = metadata[(int)valueLength..];
        }

        return socketType;
    }

    /// <summary>Splits a command body into its name and data.</summary>
    public static bool TryParseCommand(ReadOnlySpan<byte> body, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> data)
    {
        if (body.IsEmpty || body[0] == 0 || body.Length < 1 + body[0])
        {
            name = data = default;
            return false;
        }

        name = body.Slice(1, body[0]);
        data = body[(1 + body[0])..];
        return true;
    }

    /// <summary>The header (flags and size) of a frame with a body of <paramref name="length"/> bytes.</summary>
    public static int HeaderLength(long length) => length <= byte.MaxValue ? 2 : 9;

    /// <summary>Writes a frame header; returns its length.</summary>
    public static int WriteHeader(Span<byte> destination, byte flags, long length)
    {
        if (length <= byte.MaxValue)
        {
            destination[0] = flags;
            destination[1] = (byte)length;
            return 2;
        }

        destination[0] = (byte)(flags | FlagLong);
        BinaryPrimitives.WriteInt64BigEndian(destination[1..], length);
        return 9;
    }

    /// <summary>One whole frame.</summary>
    public static byte[] EncodeFrame(byte flags, ReadOnlySpan<byte> body)
    {
        var frame = new byte[HeaderLength(body.Length) + body.Length];
        int header = WriteHeader(frame, flags, body.Length);
        body.CopyTo(frame.AsSpan(header));
        return frame;
    }

    /// <summary>A PONG command answering a PING whose data is <paramref name="pingData"/> (ZMTP 3.1 heartbeats).</summary>
    public static byte[] PongCommand(ReadOnlySpan<byte> pingData)
    {
        // PING data: 2-byte TTL, then up to 16 bytes of context that the PONG echoes.
        var context = pingData.Length > 2 ? pingData[2..] : default;
        var body = new List<byte>(5 + context.Length);
        AppendShortString(body, "PONG"u8);
        body.AddRange(context);
        return EncodeFrame(FlagCommand, [.. body]);
    }

    private static void AppendShortString(List<byte> body, ReadOnlySpan<byte> value)
    {
        body.Add((byte)value.Length);
        body.AddRange(value);
    }

    private static void AppendProperty(List<byte> body, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        AppendShortString(body, name);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)value.Length);
        body.AddRange(length);
        body.AddRange(value);
    }
}
