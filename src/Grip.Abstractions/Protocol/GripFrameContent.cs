using System.Text.Json;

namespace Grip.Protocol;

/// <summary>The content of a keep-alive or delayed message: a frame type and its bytes.</summary>
public readonly struct GripFrameContent
{
    private readonly bool _textFromBytes;

    private GripFrameContent(GripFrameType type, string? text, ReadOnlyMemory<byte> bytes, bool textFromBytes = false)
    {
        FrameType = type;
        Text = text;
        Bytes = bytes;
        _textFromBytes = textFromBytes;
    }

    /// <summary>A text frame.</summary>
    public static GripFrameContent FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new GripFrameContent(GripFrameType.Text, text, default);
    }

    /// <summary>A binary frame.</summary>
    public static GripFrameContent FromBinary(ReadOnlyMemory<byte> bytes) => new(GripFrameType.Binary, null, bytes);

    /// <summary>
    /// A text frame whose payload arrived as <c>content-bin</c> (read from a control message with
    /// <c>message-type</c> text or none: Pushpin sends those bytes as a text frame, grip-spec §2.3).
    /// <see cref="Text"/> is then <see langword="null"/> and <see cref="Bytes"/> holds the payload.
    /// </summary>
    internal static GripFrameContent TextFromBytes(ReadOnlyMemory<byte> bytes) => new(GripFrameType.Text, null, bytes, textFromBytes: true);

    /// <summary>A ping frame with an optional payload.</summary>
    public static GripFrameContent Ping(ReadOnlyMemory<byte> payload = default) => new(GripFrameType.Ping, null, payload);

    /// <summary>A pong frame with an optional payload.</summary>
    public static GripFrameContent Pong(ReadOnlyMemory<byte> payload = default) => new(GripFrameType.Pong, null, payload);

    /// <summary>The frame type.</summary>
    public GripFrameType FrameType { get; }

    /// <summary>The text, for a text frame.</summary>
    public string? Text { get; }

    /// <summary>The bytes, for binary, ping and pong frames.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>The largest ping or pong payload (an RFC 6455 control frame carries at most 125 bytes).</summary>
    public const int MaxControlFramePayload = 125;

    /// <summary>Throws <see cref="ArgumentException"/> when the content cannot be sent.</summary>
    internal void Validate(string paramName)
    {
        switch (FrameType)
        {
            case GripFrameType.Text when Text is null && !_textFromBytes:
                throw new ArgumentException("Text frame content has no text (a default GripFrameContent); create it with GripFrameContent.FromText.", paramName);
            case GripFrameType.Ping or GripFrameType.Pong when Bytes.Length > MaxControlFramePayload:
                throw new ArgumentException($"A ping or pong payload must be at most {MaxControlFramePayload} bytes (RFC 6455 control frame); this one is {Bytes.Length}.", paramName);
            case < GripFrameType.Text or > GripFrameType.Pong:
                throw new ArgumentOutOfRangeException(paramName, FrameType, "Unknown frame type.");
        }
    }

    /// <summary>
    /// Writes <c>content</c> or <c>content-bin</c> and always <c>message-type</c>: Pushpin defaults
    /// <c>message-type</c> to text even for <c>content-bin</c> (grip-spec §2.3 pitfall).
    /// </summary>
    internal void WriteFields(Utf8JsonWriter writer)
    {
        if (FrameType == GripFrameType.Text && !_textFromBytes)
        {
            writer.WriteString("content"u8, Text);
        }
        else
        {
            writer.WriteBase64String("content-bin"u8, Bytes.Span);
        }

        writer.WriteString("message-type"u8, FrameType switch
        {
            GripFrameType.Text => "text",
            GripFrameType.Binary => "binary",
            GripFrameType.Ping => "ping",
            _ => "pong",
        });
    }
}
