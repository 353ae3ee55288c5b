using Grip.Protocol;
using System.Text.Json;

namespace Grip.Publishing;

/// <summary>The <c>ws-message</c> format: a text, binary, ping or pong message, or a close.</summary>
public sealed class WebSocketMessageFormat
{
    private string[]? _contentFilters;

    private WebSocketMessageFormat(WebSocketMessageAction action, GripFrameType kind, string? text, ReadOnlyMemory<byte> bytes, int? code, string? reason)
    {
        Action = action;
        Kind = kind;
        Text = text;
        Bytes = bytes;
        Code = code;
        Reason = reason;
    }

    /// <summary>A text message.</summary>
    public static WebSocketMessageFormat FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new(WebSocketMessageAction.Send, GripFrameType.Text, text, default, null, null);
    }

    /// <summary>
    /// A text message: <paramref name="value"/> as JSON, serialized with source-generated metadata
    /// (no reflection, Native AOT safe) exactly as <see cref="GripConnection.SendJson{T}"/> writes it.
    /// </summary>
    public static WebSocketMessageFormat FromJson<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            System.Text.Json.JsonSerializer.Serialize(writer, value, typeInfo);
        }

        return FromText(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    /// <summary>A binary message.</summary>
    public static WebSocketMessageFormat FromBinary(ReadOnlyMemory<byte> bytes) =>
        new(WebSocketMessageAction.Send, GripFrameType.Binary, null, bytes, null, null);

    /// <summary>A ping with an optional payload.</summary>
    public static WebSocketMessageFormat Ping(ReadOnlyMemory<byte> payload = default) =>
        new(WebSocketMessageAction.Send, GripFrameType.Ping, null, payload, null, null);

    /// <summary>A pong with an optional payload.</summary>
    public static WebSocketMessageFormat Pong(ReadOnlyMemory<byte> payload = default) =>
        new(WebSocketMessageAction.Send, GripFrameType.Pong, null, payload, null, null);

    /// <summary>Closes the subscribed connections.</summary>
    public static WebSocketMessageFormat CloseConnection(int code = CloseCodes.Normal, string? reason = null)
    {
        CloseCodes.Validate(code, reason);
        return new(WebSocketMessageAction.Close, GripFrameType.Text, null, default, code, reason);
    }

    /// <summary>The action.</summary>
    public WebSocketMessageAction Action { get; }

    /// <summary>The frame kind for a send.</summary>
    public GripFrameType Kind { get; }

    /// <summary>The text of a text message.</summary>
    public string? Text { get; }

    /// <summary>The bytes of a binary, ping or pong message.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>The close code of a close.</summary>
    public int? Code { get; }

    /// <summary>The close reason of a close.</summary>
    public string? Reason { get; }

    /// <summary>
    /// The content filters a subscription must have for this format to reach it
    /// (<c>content-filters</c>; see <see cref="PublishItem"/> remarks). <see langword="null"/> (the
    /// default): every subscription; empty: only subscriptions without content filters.
    /// </summary>
    public IReadOnlyList<string>? ContentFilters => _contentFilters;

    /// <summary>
    /// A copy of this format that only reaches subscriptions whose content filters are exactly
    /// <paramref name="filters"/>, in this order (for example <c>var-subst</c> for content with
    /// <c>%(user)s</c>). No argument: only subscriptions without content filters.
    /// </summary>
    /// <exception cref="ArgumentException">A name is not <c>var-subst</c> or <c>build-id</c>, or is repeated.</exception>
    public WebSocketMessageFormat WithContentFilters(params ReadOnlySpan<string> filters)
    {
        string[] list = filters.ToArray();
        ContentFilterList.Validate(list);
        var copy = (WebSocketMessageFormat)MemberwiseClone();
        copy._contentFilters = list;
        return copy;
    }

    /// <summary>Checks the format.</summary>
    /// <exception cref="ArgumentException">The close code or reason cannot be sent, a ping/pong payload is over 125 bytes, or a content filter is not one.</exception>
    public void Validate()
    {
        ContentFilterList.Validate(ContentFilters);
        if (Action == WebSocketMessageAction.Close && Code is { } code)
        {
            CloseCodes.Validate(code, Reason);
        }

        if (Kind is GripFrameType.Ping or GripFrameType.Pong && Bytes.Length > GripFrameContent.MaxControlFramePayload)
        {
            throw new ArgumentException($"A ping or pong payload must be at most {GripFrameContent.MaxControlFramePayload} bytes (RFC 6455 control frame).", nameof(Bytes));
        }
    }

    /// <summary>Writes the format object.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Validate();
        writer.WriteStartObject();
        if (Action == WebSocketMessageAction.Close)
        {
            writer.WriteString("action"u8, "close");
            if (Code is { } code)
            {
                writer.WriteNumber("code"u8, code);
            }

            if (Reason is not null)
            {
                writer.WriteString("reason"u8, Reason);
            }
        }
        else
        {
            switch (Kind)
            {
                case GripFrameType.Text:
                    writer.WriteString("content"u8, Text);
                    break;
                case GripFrameType.Binary:
                    writer.WriteBase64String("content-bin"u8, Bytes.Span);
                    break;
                default:
                    writer.WriteString("type"u8, Kind == GripFrameType.Ping ? "ping" : "pong");
                    if (!Bytes.IsEmpty)
                    {
                        writer.WriteBase64String("content-bin"u8, Bytes.Span);
                    }

                    break;
            }
        }

        ContentFilterList.Write(writer, ContentFilters);
        writer.WriteEndObject();
    }
}
