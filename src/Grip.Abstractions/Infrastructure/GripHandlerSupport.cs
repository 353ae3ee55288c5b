using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Grip.Infrastructure;

/// <summary>
/// Helpers called by generated handler code. Not meant to be called directly; the shapes may
/// change with the generator.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GripHandlerSupport
{
    /// <summary>The reason sent with close code 1003 when no method takes a message.</summary>
    public const string UnsupportedMessageReason = "Unsupported message";

    /// <summary>The reason sent with close code 1007 when a typed message is not valid JSON for its type.</summary>
    public const string InvalidMessageReason = "Invalid message";

    /// <summary>
    /// Finds the top-level string property <paramref name="propertyName"/> of a JSON object, leaving
    /// <paramref name="reader"/> on its value so generated code compares it with UTF-8 literals
    /// (<see cref="Utf8JsonReader.ValueTextEquals(ReadOnlySpan{byte})"/>) without allocating.
    /// </summary>
    /// <remarks>
    /// Only the object's top level is scanned, up to the discriminator: nested values are skipped
    /// whole. The rest of the message is validated later by the deserializer.
    /// </remarks>
    public static GripMessageTypeResult ReadMessageType(ref Utf8JsonReader reader, ReadOnlySpan<byte> propertyName)
    {
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                // Still validate a non-object so "not JSON" and "JSON, wrong shape" differ.
                if (reader.TokenType is JsonTokenType.StartArray)
                {
                    reader.Skip();
                }

                return reader.TokenType == JsonTokenType.None ? GripMessageTypeResult.InvalidJson : GripMessageTypeResult.Missing;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool match = reader.ValueTextEquals(propertyName);
                reader.Read();
                if (match && reader.TokenType == JsonTokenType.String)
                {
                    return GripMessageTypeResult.Found;
                }

                reader.Skip();
            }

            return GripMessageTypeResult.Missing;
        }
        catch (JsonException)
        {
            return GripMessageTypeResult.InvalidJson;
        }
    }

    /// <summary>The source-generated metadata for <typeparamref name="T"/> from <paramref name="context"/>.</summary>
    /// <exception cref="InvalidOperationException">The context has no metadata for the type.</exception>
    public static JsonTypeInfo<T> GetJsonTypeInfo<T>(JsonSerializerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
            ?? throw new InvalidOperationException($"The JSON context '{context.GetType().Name}' has no metadata for '{typeof(T).Name}'; add [JsonSerializable(typeof({typeof(T).Name}))] to it.");
    }

    /// <summary>Closes with 1003: the handler has no method for this kind of message.</summary>
    public static ValueTask CloseUnsupportedMessage(GripConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!connection.IsClosing)
        {
            connection.Close(CloseCodes.UnsupportedData, UnsupportedMessageReason);
        }

        return default;
    }

    /// <summary>Closes with 1007: a typed message was not valid JSON for its type.</summary>
    public static ValueTask CloseInvalidMessage(GripConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!connection.IsClosing)
        {
            connection.Close(CloseCodes.InvalidPayload, InvalidMessageReason);
        }

        return default;
    }
}
