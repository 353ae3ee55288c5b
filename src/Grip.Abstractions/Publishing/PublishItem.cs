using System.Text.Json;

namespace Grip.Publishing;

/// <summary>
/// One item of a GRIP publish request (grip-spec §3.1): a channel and at least one format
/// (<c>ws-message</c>, <c>http-stream</c>, <c>http-response</c>).
/// </summary>
public sealed class PublishItem
{
    /// <summary>Creates an item for a channel.</summary>
    public PublishItem(string channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        Channel = channel;
    }

    /// <summary>The channel.</summary>
    public string Channel { get; }

    /// <summary>Optional message id; Pushpin drops a duplicate (channel, id) seen within 60 s.</summary>
    public string? Id { get; init; }

    /// <summary>Optional id of the previous message, for ordering.</summary>
    public string? PrevId { get; init; }

    /// <summary>Meta for subscription filters (for example <c>sender</c> for skip-self).</summary>
    public IReadOnlyDictionary<string, string>? Meta { get; init; }

    /// <summary>The WebSocket format.</summary>
    public WebSocketMessageFormat? WebSocketMessage { get; init; }

    /// <summary>The HTTP streaming format.</summary>
    public HttpStreamFormat? HttpStream { get; init; }

    /// <summary>The HTTP response (long-poll) format.</summary>
    public HttpResponseFormat? HttpResponse { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> when Pushpin would refuse the item.</summary>
    public void Validate()
    {
        if (Channel.Length == 0)
        {
            throw new ArgumentException("A publish item needs a non-empty channel.", nameof(Channel));
        }

        foreach (char c in Channel)
        {
            if (char.IsControl(c))
            {
                throw new ArgumentException("A channel name must not contain control characters.", nameof(Channel));
            }
        }

        if (Meta is not null)
        {
            foreach (var pair in Meta)
            {
                if (string.IsNullOrEmpty(pair.Key) || pair.Value is null)
                {
                    throw new ArgumentException("Publish meta needs non-empty names and non-null string values (Pushpin refuses other types).", nameof(Meta));
                }
            }
        }

        if (WebSocketMessage is null && HttpStream is null && HttpResponse is null)
        {
            throw new ArgumentException("A publish item needs at least one format (ws-message, http-stream or http-response).", nameof(WebSocketMessage));
        }

        WebSocketMessage?.Validate();
        HttpResponse?.Validate();
    }

    /// <summary>Validates the item and writes it as a JSON object.</summary>
    public void WriteTo(Utf8JsonWriter writer) => WriteTo(writer, channelPrefix: null);

    /// <summary>Validates the item and writes it as a JSON object, with <paramref name="channelPrefix"/> before the channel name.</summary>
    public void WriteTo(Utf8JsonWriter writer, string? channelPrefix)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Validate();
        writer.WriteStartObject();
        if (string.IsNullOrEmpty(channelPrefix))
        {
            writer.WriteString("channel"u8, Channel);
        }
        else
        {
            writer.WriteString("channel"u8, string.Concat(channelPrefix, Channel));
        }

        if (Id is not null)
        {
            writer.WriteString("id"u8, Id);
        }

        if (PrevId is not null)
        {
            writer.WriteString("prev-id"u8, PrevId);
        }

        if (Meta is { Count: > 0 })
        {
            writer.WriteStartObject("meta"u8);
            foreach (var pair in Meta)
            {
                writer.WriteString(pair.Key, pair.Value);
            }

            writer.WriteEndObject();
        }

        writer.WriteStartObject("formats"u8);
        if (WebSocketMessage is not null)
        {
            writer.WritePropertyName("ws-message"u8);
            WebSocketMessage.WriteTo(writer);
        }

        if (HttpStream is not null)
        {
            writer.WritePropertyName("http-stream"u8);
            HttpStream.WriteTo(writer);
        }

        if (HttpResponse is not null)
        {
            writer.WritePropertyName("http-response"u8);
            HttpResponse.WriteTo(writer);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}

/// <summary>What a <c>ws-message</c> does.</summary>
public enum WebSocketMessageAction
{
    /// <summary>Send a message (the default).</summary>
    Send,

    /// <summary>Close the subscribed connections with a code and reason.</summary>
    Close,
}

/// <summary>The <c>ws-message</c> format: a text, binary, ping or pong message, or a close.</summary>
public sealed class WebSocketMessageFormat
{
    private WebSocketMessageFormat(WebSocketMessageAction action, GripFrameKind kind, string? text, ReadOnlyMemory<byte> bytes, int? code, string? reason)
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
        return new(WebSocketMessageAction.Send, GripFrameKind.Text, text, default, null, null);
    }

    /// <summary>A binary message.</summary>
    public static WebSocketMessageFormat FromBinary(ReadOnlyMemory<byte> bytes) =>
        new(WebSocketMessageAction.Send, GripFrameKind.Binary, null, bytes, null, null);

    /// <summary>A ping with an optional payload.</summary>
    public static WebSocketMessageFormat Ping(ReadOnlyMemory<byte> payload = default) =>
        new(WebSocketMessageAction.Send, GripFrameKind.Ping, null, payload, null, null);

    /// <summary>A pong with an optional payload.</summary>
    public static WebSocketMessageFormat Pong(ReadOnlyMemory<byte> payload = default) =>
        new(WebSocketMessageAction.Send, GripFrameKind.Pong, null, payload, null, null);

    /// <summary>Closes the subscribed connections.</summary>
    public static WebSocketMessageFormat CloseConnection(int code = CloseCodes.Normal, string? reason = null)
    {
        CloseCodes.Validate(code, reason);
        return new(WebSocketMessageAction.Close, GripFrameKind.Text, null, default, code, reason);
    }

    /// <summary>The action.</summary>
    public WebSocketMessageAction Action { get; }

    /// <summary>The frame kind for a send.</summary>
    public GripFrameKind Kind { get; }

    /// <summary>The text of a text message.</summary>
    public string? Text { get; }

    /// <summary>The bytes of a binary, ping or pong message.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>The close code of a close.</summary>
    public int? Code { get; }

    /// <summary>The close reason of a close.</summary>
    public string? Reason { get; }

    /// <summary>Checks the format.</summary>
    /// <exception cref="ArgumentException">The close code or reason cannot be sent, or a ping/pong payload is over 125 bytes.</exception>
    public void Validate()
    {
        if (Action == WebSocketMessageAction.Close && Code is { } code)
        {
            CloseCodes.Validate(code, Reason);
        }

        if (Kind is GripFrameKind.Ping or GripFrameKind.Pong && Bytes.Length > Protocol.GripFrameContent.MaxControlFramePayload)
        {
            throw new ArgumentException($"A ping or pong payload must be at most {Protocol.GripFrameContent.MaxControlFramePayload} bytes (RFC 6455 control frame).", nameof(Bytes));
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
                case GripFrameKind.Text:
                    writer.WriteString("content"u8, Text);
                    break;
                case GripFrameKind.Binary:
                    writer.WriteBase64String("content-bin"u8, Bytes.Span);
                    break;
                default:
                    writer.WriteString("type"u8, Kind == GripFrameKind.Ping ? "ping" : "pong");
                    if (!Bytes.IsEmpty)
                    {
                        writer.WriteBase64String("content-bin"u8, Bytes.Span);
                    }

                    break;
            }
        }

        writer.WriteEndObject();
    }
}

/// <summary>The kind of frame a published WebSocket message becomes.</summary>
public enum GripFrameKind
{
    /// <summary>Text.</summary>
    Text,

    /// <summary>Binary.</summary>
    Binary,

    /// <summary>Ping.</summary>
    Ping,

    /// <summary>Pong.</summary>
    Pong,
}

/// <summary>The <c>http-stream</c> format: bytes appended to held streams, or a close.</summary>
public sealed class HttpStreamFormat
{
    private HttpStreamFormat(ReadOnlyMemory<byte> content, string? text, bool close)
    {
        Content = content;
        Text = text;
        IsClose = close;
    }

    /// <summary>Content to append to every held stream (written as <c>content-bin</c>).</summary>
    public static HttpStreamFormat FromContent(ReadOnlyMemory<byte> content) => new(content, null, close: false);

    /// <summary>UTF-8 text to append to every held stream (written as <c>content</c>).</summary>
    public static HttpStreamFormat FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new(System.Text.Encoding.UTF8.GetBytes(text), text, close: false);
    }

    /// <summary>Ends the held streams.</summary>
    public static HttpStreamFormat CloseStream() => new(default, null, close: true);

    /// <summary>The content bytes.</summary>
    public ReadOnlyMemory<byte> Content { get; }

    /// <summary>The content as text, when created with <see cref="FromText(string)"/>.</summary>
    public string? Text { get; }

    /// <summary>Whether this closes the streams.</summary>
    public bool IsClose { get; }

    /// <summary>Writes the format object.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        if (IsClose)
        {
            writer.WriteString("action"u8, "close");
        }
        else if (Text is not null)
        {
            writer.WriteString("content"u8, Text);
        }
        else
        {
            writer.WriteBase64String("content-bin"u8, Content.Span);
        }

        writer.WriteEndObject();
    }
}

/// <summary>The <c>http-response</c> format: the response a held long-poll request gets. A body is always sent.</summary>
public sealed class HttpResponseFormat
{
    /// <summary>Creates a response with a binary body (written as <c>body-bin</c>).</summary>
    public HttpResponseFormat(ReadOnlyMemory<byte> body)
    {
        Body = body;
    }

    private HttpResponseFormat(string text)
    {
        BodyText = text;
        Body = System.Text.Encoding.UTF8.GetBytes(text);
    }

    /// <summary>Creates a response with a text body (written as <c>body</c>).</summary>
    public static HttpResponseFormat FromText(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return new HttpResponseFormat(body);
    }

    /// <summary>The body as text, when created with <see cref="FromText(string)"/>.</summary>
    public string? BodyText { get; }

    /// <summary>The status code (default 200).</summary>
    public int Code { get; init; } = 200;

    /// <summary>The reason phrase, or <see langword="null"/> for the standard one.</summary>
    public string? Reason { get; init; }

    /// <summary>Response headers, in order; a name may repeat (they are written as <c>[name, value]</c> pairs).</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? Headers { get; init; }

    /// <summary>The body (always written, even when empty: Pushpin rejects a format without one).</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>Checks the format.</summary>
    public void Validate()
    {
        if (Code is < 0 or > 999)
        {
            throw new ArgumentOutOfRangeException(nameof(Code), Code, "An http-response code must be 0-999.");
        }

        if (Headers is null)
        {
            return;
        }

        foreach (var header in Headers)
        {
            if (string.IsNullOrEmpty(header.Key) || header.Key.AsSpan().IndexOfAnyExcept(HeaderTokenChars) >= 0)
            {
                throw new ArgumentException($"Header name '{header.Key}' is not an HTTP token.", nameof(Headers));
            }

            if (header.Value is null || header.Value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
            {
                throw new ArgumentException($"The value of header '{header.Key}' is null or contains CR, LF or NUL.", nameof(Headers));
            }
        }
    }

    private static readonly System.Buffers.SearchValues<char> HeaderTokenChars =
        System.Buffers.SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>Writes the format object.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Validate();
        writer.WriteStartObject();
        writer.WriteNumber("code"u8, Code);
        if (Reason is not null)
        {
            writer.WriteString("reason"u8, Reason);
        }

        if (Headers is { Count: > 0 })
        {
            // Pairs, not an object: keeps order and repeated names (Set-Cookie).
            writer.WriteStartArray("headers"u8);
            foreach (var header in Headers)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(header.Key);
                writer.WriteStringValue(header.Value);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        // A body is always written: Pushpin refuses an http-response without one.
        if (BodyText is not null)
        {
            writer.WriteString("body"u8, BodyText);
        }
        else
        {
            writer.WriteBase64String("body-bin"u8, Body.Span);
        }
        writer.WriteEndObject();
    }
}
