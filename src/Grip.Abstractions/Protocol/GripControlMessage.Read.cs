using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;

namespace Grip.Protocol;

/// <summary>The reader beside the writer: the same message types, read back from their JSON.</summary>
public abstract partial class GripControlMessage
{
    /// <summary>
    /// Reads one control message (the JSON after the <c>c:</c> prefix) into its typed form, with
    /// the rules of Pushpin 1.36's <c>WsControlMessage::fromVariant</c>
    /// (src/handler/wscontrolmessage.cpp): a JSON object with a string <c>type</c> from grip-spec
    /// §2.3; unknown fields ignored; a JSON <c>null</c> read as an absent field (as Qt 5 does);
    /// <c>timeout</c> 0 read as the default (55 s for keep-alive, 1 s for send-delayed).
    /// </summary>
    /// <remarks>
    /// Reading what <see cref="WriteTo(Utf8JsonWriter)"/> wrote gives the same message back. The
    /// result is not validated for writing: what Pushpin accepts but the writer refuses (a filter
    /// name the writer does not know, a ping payload over 125 bytes) is read as sent, and
    /// <see cref="Validate"/> says what is wrong with it. Two cases are stricter than Pushpin, which
    /// would accept them silently with a surprising result: <c>content-bin</c> that is not base64
    /// (Qt decodes it to garbage) and a <c>timeout</c> that is not a JSON integer (Qt converts a
    /// string such as <c>"5s"</c> to 0).
    /// </remarks>
    /// <param name="json">The UTF-8 JSON, without the <c>c:</c> prefix.</param>
    /// <param name="message">The message, when the JSON is one Pushpin accepts.</param>
    /// <param name="error">Why Pushpin would refuse it (Pushpin 1.36 then drops the client 8 seconds later).</param>
    /// <returns>Whether the JSON is a control message Pushpin accepts.</returns>
    public static bool TryParse(ReadOnlySpan<byte> json, [NotNullWhen(true)] out GripControlMessage? message, [NotNullWhen(false)] out string? error)
    {
        message = null;
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            // The JSON reader checks UTF-8 only in the strings it is asked for; check it all up front.
            error = "not valid JSON: not UTF-8";
            return false;
        }

        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            document = JsonDocument.ParseValue(ref reader);
            if (reader.BytesConsumed < json.Length && !IsWhitespace(json[(int)reader.BytesConsumed..]))
            {
                document.Dispose();
                error = $"not valid JSON: text after the value at byte {reader.BytesConsumed}";
                return false;
            }
        }
        catch (JsonException ex)
        {
            error = $"not valid JSON: line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}";
            return false;
        }

        using (document)
        {
            error = Read(document.RootElement, out message);
            return error is null;
        }
    }

    /// <summary>Reads one control message from its JSON text; see <see cref="TryParse(ReadOnlySpan{byte}, out GripControlMessage?, out string?)"/>.</summary>
    /// <param name="json">The JSON, without the <c>c:</c> prefix.</param>
    /// <param name="message">The message, when the JSON is one Pushpin accepts.</param>
    /// <param name="error">Why Pushpin would refuse it.</param>
    /// <returns>Whether the JSON is a control message Pushpin accepts.</returns>
    public static bool TryParse(string json, [NotNullWhen(true)] out GripControlMessage? message, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(json);
        return TryParse(Encoding.UTF8.GetBytes(json), out message, out error);
    }

    private static bool IsWhitespace(ReadOnlySpan<byte> rest)
    {
        foreach (byte b in rest)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Returns null and the message, or the error text.</summary>
    private static string? Read(JsonElement root, out GripControlMessage? message)
    {
        message = null;
        if (root.ValueKind != JsonValueKind.Object || !TryGetField(root, "type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
        {
            return "a control message must be a JSON object with a string 'type'";
        }

        string type = typeElement.GetString()!;
        string? error;
        switch (type)
        {
            case "subscribe":
            {
                if (!TryReadChannel(root, out string? channel))
                {
                    return "subscribe needs a non-empty 'channel'";
                }

                var filters = new List<string>();
                if (TryGetField(root, "filters", out var list))
                {
                    if (list.ValueKind != JsonValueKind.Array)
                    {
                        return "'filters' must be an array of strings";
                    }

                    foreach (var item in list.EnumerateArray())
                    {
                        if (item.ValueKind != JsonValueKind.String)
                        {
                            return "'filters' must be an array of strings";
                        }

                        filters.Add(item.GetString()!);
                    }
                }

                message = new SubscribeControlMessage(channel, filters);
                return null;
            }

            case "unsubscribe":
            {
                if (!TryReadChannel(root, out string? channel))
                {
                    return "unsubscribe needs a non-empty 'channel'";
                }

                message = new UnsubscribeControlMessage(channel);
                return null;
            }

            case "detach":
                message = DetachControlMessage.Instance;
                return null;

            case "flush-delayed":
                message = FlushDelayedControlMessage.Instance;
                return null;

            case "session":
            {
                if (!TryReadOptionalString(root, "id", out string? id))
                {
                    return "session 'id' must be a string";
                }

                message = new SessionControlMessage(id);
                return null;
            }

            case "set-meta":
            {
                if (!TryGetField(root, "name", out var name) || name.ValueKind != JsonValueKind.String || name.GetString() is not { Length: > 0 } metaName)
                {
                    return "set-meta needs a non-empty 'name'";
                }

                if (!TryReadOptionalString(root, "value", out string? value))
                {
                    return "set-meta 'value' must be a string (absent or null deletes the meta)";
                }

                message = new SetMetaControlMessage(metaName, value);
                return null;
            }

            case "keep-alive":
            {
                if (!TryGetField(root, "content", out _) && !TryGetField(root, "content-bin", out _))
                {
                    // No content turns keep-alives off; the other fields do not matter then.
                    message = KeepAliveControlMessage.Disable();
                    return null;
                }

                if ((error = ReadContent(root, out var content)) is not null
                    || (error = ReadTimeout(root, defaultSeconds: 55, out int timeout)) is not null)
                {
                    return error;
                }

                if (!TryReadOptionalString(root, "mode", out string? mode))
                {
                    return "keep-alive 'mode' must be a string";
                }

                // Pushpin reads any mode but "interval" as idle.
                message = new KeepAliveControlMessage(content, timeout, mode == "interval" ? GripKeepAliveMode.Interval : GripKeepAliveMode.Idle);
                return null;
            }

            case "send-delayed":
            {
                if ((error = ReadContent(root, out var content)) is not null
                    || (error = ReadTimeout(root, defaultSeconds: 1, out int timeout)) is not null)
                {
                    return error;
                }

                message = new SendDelayedControlMessage(content, timeout);
                return null;
            }

            default:
                return $"unknown control message type '{type}'";
        }
    }

    /// <summary>
    /// Reads <c>content</c> or <c>content-bin</c> with <c>message-type</c>. The type defaults to
    /// text before <c>content-bin</c> is looked at (grip-spec §2.3 pitfall): <c>content-bin</c>
    /// without a type is a text frame carrying those bytes. No content is an empty payload.
    /// </summary>
    private static string? ReadContent(JsonElement root, out GripFrameContent content)
    {
        content = default;
        if (!TryReadOptionalString(root, "message-type", out string? typeName))
        {
            return "'message-type' must be a string";
        }

        GripFrameType type;
        switch (typeName ?? "text")
        {
            case "text": type = GripFrameType.Text; break;
            case "binary": type = GripFrameType.Binary; break;
            case "ping": type = GripFrameType.Ping; break;
            case "pong": type = GripFrameType.Pong; break;
            default: return $"unknown message-type '{typeName}'";
        }

        byte[]? bytes = null;
        string? text = null;
        if (TryGetField(root, "content-bin", out var bin))
        {
            if (bin.ValueKind != JsonValueKind.String || !bin.TryGetBytesFromBase64(out bytes))
            {
                return "'content-bin' is not base64";
            }
        }
        else if (TryGetField(root, "content", out var textElement))
        {
            if (textElement.ValueKind != JsonValueKind.String)
            {
                return "'content' must be a string";
            }

            text = textElement.GetString()!;
        }
        else
        {
            text = string.Empty;
        }

        if (type == GripFrameType.Text)
        {
            content = text is not null ? GripFrameContent.FromText(text) : GripFrameContent.TextFromBytes(bytes!);
            return null;
        }

        byte[] payload = bytes ?? Encoding.UTF8.GetBytes(text!);
        content = type switch
        {
            GripFrameType.Binary => GripFrameContent.FromBinary(payload),
            GripFrameType.Ping => GripFrameContent.Ping(payload),
            _ => GripFrameContent.Pong(payload),
        };

        return null;
    }

    /// <summary>Reads <c>timeout</c>: a whole number of seconds, 0 or absent meaning the default.</summary>
    private static string? ReadTimeout(JsonElement root, int defaultSeconds, out int seconds)
    {
        seconds = defaultSeconds;
        if (!TryGetField(root, "timeout", out var element))
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out int value))
        {
            return "'timeout' must be a whole number of seconds";
        }

        if (value < 0)
        {
            return "'timeout' must not be negative";
        }

        seconds = value == 0 ? defaultSeconds : value;
        return null;
    }

    private static bool TryReadChannel(JsonElement root, [NotNullWhen(true)] out string? channel)
    {
        channel = TryGetField(root, "channel", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        return !string.IsNullOrEmpty(channel);
    }

    /// <summary>An optional string field: absent or null gives null; another kind is an error.</summary>
    private static bool TryReadOptionalString(JsonElement root, string name, out string? value)
    {
        value = null;
        if (!TryGetField(root, name, out var element))
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = element.GetString();
        return true;
    }

    /// <summary>A field that is present and not JSON null (Qt 5 reads a null as absent).</summary>
    private static bool TryGetField(JsonElement root, string name, out JsonElement value) =>
        root.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
}
