using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Grip.Protocol;

/// <summary>The wire names of the event types, as UTF-8 literals.</summary>
internal static class WebSocketEventTypes
{
    private static readonly ReadOnlyMemory<byte> OpenName = "OPEN"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> TextName = "TEXT"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> BinaryName = "BINARY"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> PingName = "PING"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> PongName = "PONG"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> CloseName = "CLOSE"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> DisconnectName = "DISCONNECT"u8.ToArray();

    private static readonly ReadOnlySequence<byte>[] NameSequences =
    [
        default,
        new(OpenName),
        new(TextName),
        new(BinaryName),
        new(PingName),
        new(PongName),
        new(CloseName),
        new(DisconnectName),
    ];

    /// <summary>The wire name of a known type as a one-segment sequence (cached: no allocation).</summary>
    public static ReadOnlySequence<byte> GetNameSequence(WebSocketEventType type) =>
        type is > WebSocketEventType.Unknown and <= WebSocketEventType.Disconnect
            ? NameSequences[(int)type]
            : throw NoName(type);

    public static ReadOnlyMemory<byte> GetName(WebSocketEventType type) => type switch
    {
        WebSocketEventType.Open => OpenName,
        WebSocketEventType.Text => TextName,
        WebSocketEventType.Binary => BinaryName,
        WebSocketEventType.Ping => PingName,
        WebSocketEventType.Pong => PongName,
        WebSocketEventType.Close => CloseName,
        WebSocketEventType.Disconnect => DisconnectName,
        _ => throw NoName(type),
    };

    /// <summary>
    /// <see cref="GetName"/> as a span over the literal (no memory to unwrap): what the writers use
    /// per event.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ReadOnlySpan<byte> GetNameSpan(WebSocketEventType type) => type switch
    {
        WebSocketEventType.Text => "TEXT"u8,
        WebSocketEventType.Binary => "BINARY"u8,
        WebSocketEventType.Open => "OPEN"u8,
        WebSocketEventType.Ping => "PING"u8,
        WebSocketEventType.Pong => "PONG"u8,
        WebSocketEventType.Close => "CLOSE"u8,
        WebSocketEventType.Disconnect => "DISCONNECT"u8,
        _ => ThrowNoName(type),
    };

    [DoesNotReturn]
    private static ReadOnlySpan<byte> ThrowNoName(WebSocketEventType type) => throw NoName(type);

    private static ArgumentOutOfRangeException NoName(WebSocketEventType type) =>
        new(nameof(type), type, "Unknown events carry their own type name.");

    /// <summary>Maps a type token to a known type (case-sensitive, as Pushpin does).</summary>
    public static WebSocketEventType Parse(ReadOnlySpan<byte> name) => name.Length switch
    {
        4 when name.SequenceEqual("TEXT"u8) => WebSocketEventType.Text,
        4 when name.SequenceEqual("OPEN"u8) => WebSocketEventType.Open,
        4 when name.SequenceEqual("PING"u8) => WebSocketEventType.Ping,
        4 when name.SequenceEqual("PONG"u8) => WebSocketEventType.Pong,
        5 when name.SequenceEqual("CLOSE"u8) => WebSocketEventType.Close,
        6 when name.SequenceEqual("BINARY"u8) => WebSocketEventType.Binary,
        10 when name.SequenceEqual("DISCONNECT"u8) => WebSocketEventType.Disconnect,
        _ => WebSocketEventType.Unknown,
    };

    /// <summary>A type token is one or more printable ASCII bytes without space.</summary>
    public static void ValidateTypeName(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty)
        {
            throw new ArgumentException("An event type name must not be empty.", nameof(name));
        }

        foreach (byte b in name)
        {
            if (b <= 0x20 || b >= 0x7F)
            {
                throw new ArgumentException("An event type name must be printable ASCII without spaces.", nameof(name));
            }
        }
    }
}
