using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Grip.Protocol;

/// <summary>
/// One event decoded by <see cref="WebSocketEventSequenceReader"/>. The content is a slice of the
/// sequence it was read from (no copy): it stays valid until the buffer is released, for a
/// <c>PipeReader</c> until the next <c>AdvanceTo</c>.
/// </summary>
public readonly struct WebSocketSequenceEvent
{
    internal WebSocketSequenceEvent(WebSocketEventType type, ReadOnlySequence<byte> typeName, bool hasContent, ReadOnlySequence<byte> content)
    {
        Type = type;
        TypeName = typeName;
        HasContent = hasContent;
        Content = content;
    }

    /// <summary>The event type.</summary>
    public WebSocketEventType Type { get; }

    /// <summary>The type token as it appears on the wire (ASCII), for example <c>TEXT</c>.</summary>
    public ReadOnlySequence<byte> TypeName { get; }

    /// <summary>Whether the event carries content (<c>TYPE n\r\n...</c>), even empty content.</summary>
    public bool HasContent { get; }

    /// <summary>The content bytes; empty when <see cref="HasContent"/> is <see langword="false"/>.</summary>
    public ReadOnlySequence<byte> Content { get; }

    /// <summary>The content decoded as UTF-8 (empty when there is none).</summary>
    public string GetText() => Encoding.UTF8.GetString(Content);

    /// <summary>
    /// For a <see cref="WebSocketEventType.Close"/> event: the close code and reason it carries.
    /// A CLOSE without content (or with a 1-byte content) has no code.
    /// </summary>
    public CloseStatus GetCloseStatus()
    {
        if (Content.Length < 2)
        {
            return new CloseStatus(null, null, isDisconnect: false);
        }

        Span<byte> code = stackalloc byte[2];
        Content.Slice(0, 2).CopyTo(code);
        string? reason = Content.Length > 2 ? Encoding.UTF8.GetString(Content.Slice(2)) : null;
        return new CloseStatus(BinaryPrimitives.ReadUInt16BigEndian(code), reason, isDisconnect: false);
    }

    /// <summary>
    /// Copies the event into a <see cref="WebSocketEvent"/> whose type name and content are new
    /// arrays (use it to keep an event after the buffer is released).
    /// </summary>
    public WebSocketEvent ToEvent()
    {
        // Not "cond ? array : null": null would convert to an empty ReadOnlyMemory and mean "empty content".
        ReadOnlyMemory<byte>? content = HasContent ? new ReadOnlyMemory<byte>(Content.ToArray()) : (ReadOnlyMemory<byte>?)null;
        return Type == WebSocketEventType.Unknown
            ? WebSocketEvent.CreateUnknown(TypeName.ToArray(), content)
            : new WebSocketEvent(Type, content);
    }

    /// <inheritdoc />
    public override string ToString() =>
        HasContent
            ? $"{Encoding.ASCII.GetString(TypeName)} ({Content.Length} bytes)"
            : Encoding.ASCII.GetString(TypeName);
}
