using System.Text.Encodings.Web;
using System.Text.Json;
using Grip.Internal;

namespace Grip.Protocol;

/// <summary>
/// A GRIP control message (grip-spec §2.3), sent to the proxy as a <c>c:</c>-prefixed TEXT event.
/// Every message validates itself before it is written: Pushpin 1.36 kills a client 8 seconds
/// after an invalid control message, so an invalid one must never reach the wire.
/// </summary>
public abstract partial class GripControlMessage
{
    private protected GripControlMessage()
    {
    }

    /// <summary>The largest control message Pushpin processes, in bytes, including the <c>c:</c> prefix (<see cref="GripLimits.MaxControlMessageBytes"/>).</summary>
    public const int MaxEncodedLength = GripLimits.MaxControlMessageBytes;

    /// <summary>The largest JSON object that fits <see cref="MaxEncodedLength"/> after the 2-byte <c>c:</c> prefix.</summary>
    public const int MaxJsonLength = MaxEncodedLength - 2;

    /// <summary>
    /// The JSON options control messages are written with: compact, and non-ASCII text written as
    /// UTF-8 rather than <c>\uXXXX</c> escapes (as js-grip's <c>JSON.stringify</c> does), which
    /// keeps messages small against the 16,384-byte limit. Validation is on: a message is always one object.
    /// </summary>
    public static JsonWriterOptions JsonOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The <c>type</c> field, for example <c>subscribe</c>.</summary>
    public abstract string Type { get; }

    /// <summary>Throws <see cref="ArgumentException"/> when the message would be rejected by the proxy.</summary>
    public virtual void Validate()
    {
    }

    /// <summary>Validates the message and writes it as one JSON object: <c>{"type":"…",…}</c>.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Validate();
        writer.WriteStartObject();
        writer.WriteString("type"u8, Type);
        WriteFields(writer);
        writer.WriteEndObject();
    }

    /// <summary>
    /// Validates the message and returns its JSON (without the <c>c:</c> prefix), exactly the bytes
    /// <see cref="GripConnection.SendControl(GripControlMessage)"/> sends after <c>c:</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The message is invalid.</exception>
    /// <exception cref="GripLimitExceededException">The message is over <see cref="MaxEncodedLength"/> bytes with its prefix.</exception>
    public byte[] ToJsonUtf8()
    {
        using var buffer = new PooledBufferWriter();
        WriteChecked(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Validates the message, writes its JSON to <paramref name="output"/> with <see cref="JsonOptions"/>
    /// and checks it against <see cref="MaxJsonLength"/>.
    /// </summary>
    /// <param name="output">Where the JSON goes.</param>
    /// <param name="json">A writer created with <see cref="JsonOptions"/> to reuse, or <see langword="null"/>.</param>
    internal int WriteChecked(PooledBufferWriter output, Utf8JsonWriter? json = null)
    {
        int before = output.WrittenCount;
        if (json is null)
        {
            using var own = new Utf8JsonWriter(output, JsonOptions);
            WriteTo(own);
        }
        else
        {
            json.Reset(output);
            WriteTo(json);
            json.Flush();
        }

        int written = output.WrittenCount - before;
        if (written > MaxJsonLength)
        {
            output.Truncate(before);
            throw new GripLimitExceededException(
                $"The '{Type}' control message is {written + 2} bytes with its 'c:' prefix; Pushpin silently ignores control messages over {MaxEncodedLength} bytes.");
        }

        return written;
    }

    /// <summary>Writes the fields after <c>type</c>.</summary>
    private protected abstract void WriteFields(Utf8JsonWriter writer);

    private protected static void ValidateChannel(string channel) => GripChannels.ValidateName(channel, nameof(channel));
}

/// <summary><c>subscribe</c>: subscribe the connection to a channel, optionally with filters.</summary>
public sealed class SubscribeControlMessage : GripControlMessage
{
    /// <summary>Creates the message.</summary>
    public SubscribeControlMessage(string channel, IReadOnlyList<string>? filters = null)
    {
        Channel = channel;
        Filters = filters ?? [];
    }

    /// <summary>The channel.</summary>
    public string Channel { get; }

    /// <summary>The filters, for example <see cref="GripFilters.SkipSelf"/>.</summary>
    public IReadOnlyList<string> Filters { get; }

    /// <inheritdoc />
    public override string Type => "subscribe";

    /// <inheritdoc />
    public override void Validate()
    {
        ValidateChannel(Channel);
        foreach (string filter in Filters)
        {
            if (filter is null || !GripFilters.IsKnown(filter))
            {
                throw new ArgumentException($"Unknown subscription filter '{filter}'. Pushpin 1.36 knows skip-self, skip-users, require-sub, build-id and var-subst.", nameof(Filters));
            }
        }
    }

    private protected override void WriteFields(Utf8JsonWriter writer)
    {
        writer.WriteString("channel"u8, Channel);
        if (Filters.Count > 0)
        {
            writer.WriteStartArray("filters"u8);
            foreach (string filter in Filters)
            {
                writer.WriteStringValue(filter);
            }

            writer.WriteEndArray();
        }
    }
}

/// <summary><c>unsubscribe</c>: remove the connection's subscription to a channel.</summary>
public sealed class UnsubscribeControlMessage(string channel) : GripControlMessage
{
    /// <summary>The channel.</summary>
    public string Channel { get; } = channel;

    /// <inheritdoc />
    public override string Type => "unsubscribe";

    /// <inheritdoc />
    public override void Validate() => ValidateChannel(Channel);

    private protected override void WriteFields(Utf8JsonWriter writer) => writer.WriteString("channel"u8, Channel);
}

/// <summary><c>detach</c>: the proxy stops forwarding client messages to the origin; published messages still arrive.</summary>
public sealed class DetachControlMessage : GripControlMessage
{
    /// <summary>The one instance.</summary>
    public static DetachControlMessage Instance { get; } = new();

    /// <inheritdoc />
    public override string Type => "detach";

    private protected override void WriteFields(Utf8JsonWriter writer)
    {
    }
}

/// <summary><c>session</c>: associate a GRIP session id with the connection (null or empty clears it).</summary>
public sealed class SessionControlMessage(string? id) : GripControlMessage
{
    /// <summary>The session id, or <see langword="null"/> to clear.</summary>
    public string? Id { get; } = id;

    /// <inheritdoc />
    public override string Type => "session";

    private protected override void WriteFields(Utf8JsonWriter writer)
    {
        if (!string.IsNullOrEmpty(Id))
        {
            writer.WriteString("id"u8, Id);
        }
    }
}

/// <summary>
/// <c>set-meta</c>: set subscription meta used by publish filters (for example <c>user</c> for
/// skip-self). This is not the WebSocket-over-HTTP <c>Meta-*</c> header meta.
/// </summary>
public sealed class SetMetaControlMessage(string name, string? value) : GripControlMessage
{
    /// <summary>The meta name.</summary>
    public string Name { get; } = name;

    /// <summary>The value, or <see langword="null"/> to delete (the <c>value</c> field is then omitted).</summary>
    public string? Value { get; } = value;

    /// <inheritdoc />
    public override string Type => "set-meta";

    /// <inheritdoc />
    public override void Validate()
    {
        if (string.IsNullOrEmpty(Name))
        {
            throw new ArgumentException("A set-meta name must not be empty (Pushpin rejects it and drops the client).", nameof(Name));
        }
    }

    private protected override void WriteFields(Utf8JsonWriter writer)
    {
        writer.WriteString("name"u8, Name);

        // Deleting omits "value": Pushpin 1.36 (Qt 5) happens to read a JSON null as absent, but a
        // null is "wrong type" to a Qt 6 build, which kills the client 8 s later.
        if (Value is not null)
        {
            writer.WriteString("value"u8, Value);
        }
    }
}

/// <summary>
/// The type of a WebSocket frame GRIP asks the proxy to send: the content of a keep-alive or delayed
/// control message (<see cref="GripFrameContent"/>) and the kind of a published <c>ws-message</c>
/// (<see cref="Publishing.WebSocketMessageFormat.Kind"/>).
/// </summary>
public enum GripFrameType
{
    /// <summary>A text frame.</summary>
    Text,

    /// <summary>A binary frame.</summary>
    Binary,

    /// <summary>A ping frame.</summary>
    Ping,

    /// <summary>A pong frame.</summary>
    Pong,
}

/// <summary>How a keep-alive timer runs.</summary>
public enum GripKeepAliveMode
{
    /// <summary>Send when the connection has been idle for the timeout (the default).</summary>
    Idle,

    /// <summary>Send every timeout, idle or not.</summary>
    Interval,
}

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

    /// <summary>The frame's payload as bytes: the UTF-8 of <see cref="Text"/> for a text frame, else <see cref="Bytes"/>.</summary>
    internal byte[] ToPayloadArray() =>
        FrameType == GripFrameType.Text && !_textFromBytes ? System.Text.Encoding.UTF8.GetBytes(Text ?? string.Empty) : Bytes.ToArray();

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

/// <summary>
/// <c>keep-alive</c>: the proxy sends a message to the client when the connection is idle (or at a
/// fixed interval). <see cref="Disable"/> turns keep-alives off.
/// </summary>
public sealed class KeepAliveControlMessage : GripControlMessage
{
    private KeepAliveControlMessage(GripFrameContent? content, int timeoutSeconds, GripKeepAliveMode mode)
    {
        Content = content;
        TimeoutSeconds = timeoutSeconds;
        Mode = mode;
    }

    /// <summary>Sends <paramref name="content"/> after <paramref name="timeoutSeconds"/> of idleness (or every interval).</summary>
    /// <param name="content">The frame to send.</param>
    /// <param name="timeoutSeconds">Seconds, at least 1. Pushpin's default is 55.</param>
    /// <param name="mode">Idle (default) or interval.</param>
    public KeepAliveControlMessage(GripFrameContent content, int timeoutSeconds = 55, GripKeepAliveMode mode = GripKeepAliveMode.Idle)
        : this((GripFrameContent?)content, timeoutSeconds, mode)
    {
    }

    /// <summary>A keep-alive message that turns keep-alives off.</summary>
    public static KeepAliveControlMessage Disable() => new(null, 0, GripKeepAliveMode.Idle);

    /// <summary>The frame to send, or <see langword="null"/> when this message disables keep-alives.</summary>
    public GripFrameContent? Content { get; }

    /// <summary>The timeout in seconds.</summary>
    public int TimeoutSeconds { get; }

    /// <summary>The timer mode.</summary>
    public GripKeepAliveMode Mode { get; }

    /// <inheritdoc />
    public override string Type => "keep-alive";

    /// <inheritdoc />
    public override void Validate()
    {
        if (Content is not { } content)
        {
            return;
        }

        content.Validate(nameof(Content));

        // Pushpin reads 0 as "use the default (55 s)" and refuses negative values.
        if (TimeoutSeconds < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(TimeoutSeconds), TimeoutSeconds, "A keep-alive timeout must be at least 1 second (Pushpin reads 0 as its 55 s default).");
        }

        if (Mode is not (GripKeepAliveMode.Idle or GripKeepAliveMode.Interval))
        {
            throw new ArgumentOutOfRangeException(nameof(Mode), Mode, "Unknown keep-alive mode.");
        }
    }

    private protected override void WriteFields(Utf8JsonWriter writer)
    {
        if (Content is not { } content)
        {
            return;
        }

        content.WriteFields(writer);
        writer.WriteNumber("timeout"u8, TimeoutSeconds);
        writer.WriteString("mode"u8, Mode == GripKeepAliveMode.Interval ? "interval" : "idle");
    }
}

/// <summary><c>send-delayed</c>: the proxy sends a message after a timeout unless the origin answers first.</summary>
public sealed class SendDelayedControlMessage(GripFrameContent content, int timeoutSeconds = 1) : GripControlMessage
{
    /// <summary>The frame to send.</summary>
    public GripFrameContent Content { get; } = content;

    /// <summary>The delay in seconds (at least 1).</summary>
    public int TimeoutSeconds { get; } = timeoutSeconds;

    /// <inheritdoc />
    public override string Type => "send-delayed";

    /// <inheritdoc />
    public override void Validate()
    {
        Content.Validate(nameof(Content));

        // Pushpin reads 0 as "use the default (1 s)" and refuses negative values.
        if (TimeoutSeconds < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(TimeoutSeconds), TimeoutSeconds, "A send-delayed timeout must be at least 1 second (Pushpin reads 0 as its 1 s default).");
        }
    }

    private protected override void WriteFields(Utf8JsonWriter writer)
    {
        Content.WriteFields(writer);
        writer.WriteNumber("timeout"u8, TimeoutSeconds);
    }
}

/// <summary><c>flush-delayed</c>: the proxy sends the pending delayed message now.</summary>
public sealed class FlushDelayedControlMessage : GripControlMessage
{
    /// <summary>The one instance.</summary>
    public static FlushDelayedControlMessage Instance { get; } = new();

    /// <inheritdoc />
    public override string Type => "flush-delayed";

    private protected override void WriteFields(Utf8JsonWriter writer)
    {
    }
}
