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
    internal int WriteChecked(PooledBufferWriter output)
    {
        int before = output.WrittenCount;

        // One writer per thread, reused: a subscribe on every OPEN would otherwise allocate one
        // (about 190 bytes) per request. Taken out of the slot while in use, so a write nested in
        // another on the same thread makes its own.
        var json = t_writer ?? new Utf8JsonWriter(output, JsonOptions);
        t_writer = null;
        json.Reset(output);
        WriteTo(json);
        json.Flush();

        // Put back only after a write that completed: one that threw may have left the writer mid-object
        // (Reset clears that too, but there is no need to keep what failed).
        t_writer = json;

        int written = output.WrittenCount - before;
        if (written > MaxJsonLength)
        {
            output.Truncate(before);
            throw new GripLimitExceededException(
                $"The '{Type}' control message is {written + 2} bytes with its 'c:' prefix; Pushpin silently ignores control messages over {MaxEncodedLength} bytes.");
        }

        return written;
    }

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Writes the fields after <c>type</c>.</summary>
    private protected abstract void WriteFields(Utf8JsonWriter writer);

    private protected static void ValidateChannel(string channel) => GripChannels.ValidateName(channel, nameof(channel));
}
