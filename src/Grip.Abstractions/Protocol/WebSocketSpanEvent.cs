namespace Grip.Protocol;

/// <summary>One event decoded by <see cref="WebSocketEventSpanReader"/>; its spans point into the input.</summary>
public readonly ref struct WebSocketSpanEvent
{
    internal WebSocketSpanEvent(WebSocketEventType type, ReadOnlySpan<byte> typeName, bool hasContent, ReadOnlySpan<byte> content)
    {
        Type = type;
        TypeName = typeName;
        HasContent = hasContent;
        Content = content;
    }

    /// <summary>The event type.</summary>
    public WebSocketEventType Type { get; }

    /// <summary>The type token as it appears on the wire (ASCII).</summary>
    public ReadOnlySpan<byte> TypeName { get; }

    /// <summary>Whether the event carries content, even empty content.</summary>
    public bool HasContent { get; }

    /// <summary>The content bytes; empty when <see cref="HasContent"/> is <see langword="false"/>.</summary>
    public ReadOnlySpan<byte> Content { get; }
}
