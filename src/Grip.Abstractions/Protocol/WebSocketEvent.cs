using System.Buffers.Binary;
using System.Text;

namespace Grip.Protocol;

/// <summary>
/// One decoded WebSocket-over-HTTP event. The content is a slice of the body it was decoded from:
/// decoding copies nothing.
/// </summary>
/// <remarks>
/// <c>TYPE\r\n</c> (no content) and <c>TYPE 0\r\n\r\n</c> (empty content) are different events:
/// <see cref="HasContent"/> tells them apart.
/// </remarks>
public readonly struct WebSocketEvent : IEquatable<WebSocketEvent>
{
    /// <summary>Creates an event of a known type.</summary>
    /// <param name="type">The event type; use <see cref="CreateUnknown"/> for unknown ones.</param>
    /// <param name="content">The content, or <see langword="null"/> for an event without content.</param>
    /// <remarks>
    /// A <see langword="null"/> <c>byte[]</c> converts to an <em>empty</em>
    /// <see cref="ReadOnlyMemory{T}"/>, not to a null one: <c>new WebSocketEvent(type, (byte[]?)null)</c>
    /// and <c>cond ? bytes : null</c> both give an event with empty content (<c>TYPE 0</c>). Pass
    /// <c>(ReadOnlyMemory&lt;byte&gt;?)null</c> or omit the argument for an event without content.
    /// </remarks>
    public WebSocketEvent(WebSocketEventType type, ReadOnlyMemory<byte>? content = null)
    {
        if (type == WebSocketEventType.Unknown)
        {
            throw new ArgumentException("Use WebSocketEvent.CreateUnknown for events of an unknown type.", nameof(type));
        }

        Type = type;
        HasContent = content.HasValue;
        Content = content.GetValueOrDefault();
        TypeName = WebSocketEventTypes.GetName(type);
    }

    private WebSocketEvent(ReadOnlyMemory<byte> typeName, bool hasContent, ReadOnlyMemory<byte> content)
    {
        Type = WebSocketEventType.Unknown;
        TypeName = typeName;
        HasContent = hasContent;
        Content = content;
    }

    internal WebSocketEvent(WebSocketEventType type, ReadOnlyMemory<byte> typeName, bool hasContent, ReadOnlyMemory<byte> content)
    {
        Type = type;
        TypeName = typeName;
        HasContent = hasContent;
        Content = content;
    }

    /// <summary>Creates an opaque event with a type token the protocol does not define.</summary>
    /// <param name="typeName">The ASCII type token, for example <c>FOO</c>.</param>
    /// <param name="content">The content, or <see langword="null"/> for an event without content.</param>
    public static WebSocketEvent CreateUnknown(ReadOnlyMemory<byte> typeName, ReadOnlyMemory<byte>? content = null)
    {
        WebSocketEventTypes.ValidateTypeName(typeName.Span);
        return new WebSocketEvent(typeName, content.HasValue, content.GetValueOrDefault());
    }

    /// <summary>The event type.</summary>
    public WebSocketEventType Type { get; }

    /// <summary>The type token as it appears on the wire (ASCII), for example <c>TEXT</c>.</summary>
    public ReadOnlyMemory<byte> TypeName { get; }

    /// <summary>Whether the event carries content (<c>TYPE n\r\n...</c>), even empty content.</summary>
    public bool HasContent { get; }

    /// <summary>The content bytes; empty when <see cref="HasContent"/> is <see langword="false"/>.</summary>
    public ReadOnlyMemory<byte> Content { get; }

    /// <summary>The content decoded as UTF-8 (empty when there is none).</summary>
    public string GetText() => Encoding.UTF8.GetString(Content.Span);

    /// <summary>
    /// For a <see cref="WebSocketEventType.Close"/> event: the close code and reason it carries.
    /// A CLOSE without content (or with a 1-byte content) has no code.
    /// </summary>
    public CloseStatus GetCloseStatus() => ReadCloseStatus(Content.Span);

    /// <summary>The close code and reason a CLOSE event's content carries.</summary>
    internal static CloseStatus ReadCloseStatus(ReadOnlySpan<byte> span)
    {
        if (span.Length < 2)
        {
            return new CloseStatus(null, null, isDisconnect: false);
        }

        int code = BinaryPrimitives.ReadUInt16BigEndian(span);
        string? reason = span.Length > 2 ? Encoding.UTF8.GetString(span[2..]) : null;
        return new CloseStatus(code, reason, isDisconnect: false);
    }

    /// <inheritdoc />
    public bool Equals(WebSocketEvent other) =>
        Type == other.Type
        && HasContent == other.HasContent
        && TypeName.Span.SequenceEqual(other.TypeName.Span)
        && Content.Span.SequenceEqual(other.Content.Span);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is WebSocketEvent other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Type);
        hash.Add(HasContent);
        hash.AddBytes(Content.Span);
        return hash.ToHashCode();
    }

    /// <summary>Compares two events by type, presence of content and content bytes.</summary>
    public static bool operator ==(WebSocketEvent left, WebSocketEvent right) => left.Equals(right);

    /// <summary>Compares two events by type, presence of content and content bytes.</summary>
    public static bool operator !=(WebSocketEvent left, WebSocketEvent right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() =>
        HasContent
            ? $"{Encoding.ASCII.GetString(TypeName.Span)} ({Content.Length} bytes)"
            : Encoding.ASCII.GetString(TypeName.Span);
}
