using Grip.Protocol;
using System.Text.Json;

namespace Grip.Publishing;

/// <summary>
/// One item of a GRIP publish request (grip-spec §3.1): a channel and at least one format
/// (<c>ws-message</c>, <c>http-stream</c>, <c>http-response</c>).
/// </summary>
/// <remarks>
/// <para>
/// Content filters: <see cref="GripFilters.VarSubst"/> and <see cref="GripFilters.BuildId"/> change
/// what a subscriber receives (<c>var-subst</c> replaces <c>%(name)s</c> with the subscription's meta
/// <c>name</c>). A format's <c>ContentFilters</c> says which content filters the content was written
/// for: Pushpin compares that list, in order, with each subscription's content filters (its other
/// filters ignored) and skips a subscription where they differ, so <c>Hello %(user)s</c> never
/// reaches a subscriber that would see it unsubstituted. Only those two names are accepted: any
/// other would never match, and the message would be dropped without a word.
/// </para>
/// </remarks>
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

    /// <summary>
    /// Skip Pushpin's sequencing of this item (<c>no-seq</c>): by default, items published to a
    /// channel that some proxy instance subscribes to are sequenced across instances.
    /// </summary>
    public bool NoSequence { get; init; }

    /// <summary>
    /// The message size Pushpin reports in its stats (<c>size</c>, bytes, at least 0); it changes
    /// nothing about delivery.
    /// </summary>
    public int? Size { get; init; }

    /// <summary>The WebSocket format.</summary>
    public WebSocketMessageFormat? WebSocketMessage { get; init; }

    /// <summary>The HTTP streaming format.</summary>
    public HttpStreamFormat? HttpStream { get; init; }

    /// <summary>The HTTP response (long-poll) format.</summary>
    public HttpResponseFormat? HttpResponse { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> when Pushpin would refuse the item.</summary>
    public void Validate()
    {
        GripChannels.ValidateName(Channel, nameof(Channel));

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

        if (Size is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Size), Size, "A publish item's size must be at least 0.");
        }

        if (WebSocketMessage is null && HttpStream is null && HttpResponse is null)
        {
            throw new ArgumentException("A publish item needs at least one format (ws-message, http-stream or http-response).", nameof(WebSocketMessage));
        }

        WebSocketMessage?.Validate();
        HttpStream?.Validate();
        HttpResponse?.Validate();
    }

    /// <summary>Validates the item and writes it as a JSON object.</summary>
    public void WriteTo(Utf8JsonWriter writer) => WriteTo(writer, channelPrefix: null);

    /// <summary>Validates the item and writes it as a JSON object, with <paramref name="channelPrefix"/> before the channel name.</summary>
    public void WriteTo(Utf8JsonWriter writer, string? channelPrefix) => WriteTo(writer, channelPrefix, writeChannel: true);

    /// <summary>
    /// Validates the item and writes it as a JSON object; without <c>channel</c> when
    /// <paramref name="writeChannel"/> is false (a ZeroMQ publish carries the channel in a frame of its own, grip-spec §3.4).
    /// </summary>
    internal void WriteTo(Utf8JsonWriter writer, string? channelPrefix, bool writeChannel)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Validate();
        writer.WriteStartObject();
        if (writeChannel)
        {
            writer.WriteString("channel"u8, string.IsNullOrEmpty(channelPrefix) ? Channel : string.Concat(channelPrefix, Channel));
        }

        if (Id is not null)
        {
            writer.WriteString("id"u8, Id);
        }

        if (PrevId is not null)
        {
            writer.WriteString("prev-id"u8, PrevId);
        }

        if (Size is { } size)
        {
            writer.WriteNumber("size"u8, size);
        }

        if (NoSequence)
        {
            writer.WriteBoolean("no-seq"u8, true);
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

/// <summary>The <c>http-stream</c> format: bytes appended to held streams, a close, or a hint.</summary>
public sealed class HttpStreamFormat
{
    private string[]? _contentFilters;

    private HttpStreamFormat(ReadOnlyMemory<byte> content, string? text, bool close, bool hint = false)
    {
        Content = content;
        Text = text;
        IsClose = close;
        IsHint = hint;
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

    /// <summary>
    /// A hint (<c>"action": "hint"</c>): no content; the proxy fetches what is new from the origin
    /// itself, by the stream's <c>Grip-Link</c> <c>rel=next</c> (reliable streaming).
    /// </summary>
    public static HttpStreamFormat Hint() => new(default, null, close: false, hint: true);

    /// <summary>The content bytes.</summary>
    public ReadOnlyMemory<byte> Content { get; }

    /// <summary>The content as text, when created with <see cref="FromText(string)"/>.</summary>
    public string? Text { get; }

    /// <summary>Whether this closes the streams.</summary>
    public bool IsClose { get; }

    /// <summary>Whether this is a hint (see <see cref="Hint"/>).</summary>
    public bool IsHint { get; }

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
    public HttpStreamFormat WithContentFilters(params ReadOnlySpan<string> filters)
    {
        string[] list = filters.ToArray();
        ContentFilterList.Validate(list);
        var copy = (HttpStreamFormat)MemberwiseClone();
        copy._contentFilters = list;
        return copy;
    }

    /// <summary>Checks the format.</summary>
    /// <exception cref="ArgumentException">A content filter is not one.</exception>
    public void Validate() => ContentFilterList.Validate(ContentFilters);

    /// <summary>Writes the format object.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Validate();
        writer.WriteStartObject();
        if (IsClose)
        {
            writer.WriteString("action"u8, "close");
        }
        else if (IsHint)
        {
            writer.WriteString("action"u8, "hint");
        }
        else if (Text is not null)
        {
            writer.WriteString("content"u8, Text);
        }
        else
        {
            writer.WriteBase64String("content-bin"u8, Content.Span);
        }

        ContentFilterList.Write(writer, ContentFilters);
        writer.WriteEndObject();
    }
}

/// <summary>
/// The <c>http-response</c> format: the response a held long-poll request gets (a body is always
/// sent), or a hint.
/// </summary>
public sealed class HttpResponseFormat
{
    private string[]? _contentFilters;

    private readonly bool _hint;

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

    private HttpResponseFormat(bool hint)
    {
        _hint = hint;
    }

    /// <summary>Creates a response with a text body (written as <c>body</c>).</summary>
    public static HttpResponseFormat FromText(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return new HttpResponseFormat(body);
    }

    /// <summary>
    /// A hint (<c>"action": "hint"</c>): no response of its own; the proxy asks the origin again for
    /// each held request (by its <c>Grip-Link</c> <c>rel=next</c>, or the original request).
    /// <see cref="Code"/>, <see cref="Reason"/>, <see cref="Headers"/> and the body are not sent.
    /// </summary>
    public static HttpResponseFormat Hint() => new(hint: true);

    /// <summary>Whether this is a hint (see <see cref="Hint"/>).</summary>
    public bool IsHint => _hint;

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
    public HttpResponseFormat WithContentFilters(params ReadOnlySpan<string> filters)
    {
        string[] list = filters.ToArray();
        ContentFilterList.Validate(list);
        var copy = (HttpResponseFormat)MemberwiseClone();
        copy._contentFilters = list;
        return copy;
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
    /// <exception cref="ArgumentException">The code, a header or a content filter cannot be sent.</exception>
    public void Validate()
    {
        ContentFilterList.Validate(ContentFilters);
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
        if (_hint)
        {
            writer.WriteString("action"u8, "hint");
            ContentFilterList.Write(writer, ContentFilters);
            writer.WriteEndObject();
            return;
        }

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

        ContentFilterList.Write(writer, ContentFilters);
        writer.WriteEndObject();
    }
}

/// <summary>Checks and writes the <c>content-filters</c> of a publish format (grip-spec §3.1).</summary>
internal static class ContentFilterList
{
    /// <summary>Throws when a name is not a content filter or appears twice.</summary>
    /// <exception cref="ArgumentException">A name is null, not <c>var-subst</c> or <c>build-id</c>, or repeated.</exception>
    public static void Validate(IReadOnlyList<string>? filters)
    {
        if (filters is null)
        {
            return;
        }

        for (int i = 0; i < filters.Count; i++)
        {
            string filter = filters[i];
            if (filter is null || !GripFilters.IsContentFilter(filter))
            {
                throw new ArgumentException(
                    $"'{filter}' is not a content filter: only var-subst and build-id change content (Pushpin compares content-filters with the subscription's content filters only, so any other name would never match and the message would be dropped).",
                    nameof(filters));
            }

            for (int j = 0; j < i; j++)
            {
                if (string.Equals(filters[j], filter, StringComparison.Ordinal))
                {
                    throw new ArgumentException($"Content filter '{filter}' is listed twice.", nameof(filters));
                }
            }
        }
    }

    internal static void Write(Utf8JsonWriter writer, IReadOnlyList<string>? filters)
    {
        if (filters is null)
        {
            return;
        }

        writer.WriteStartArray("content-filters"u8);
        foreach (string filter in filters)
        {
            writer.WriteStringValue(filter);
        }

        writer.WriteEndArray();
    }
}
