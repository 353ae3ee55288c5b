using System.Text.Json;
using Grip.Internal;
using Grip.Protocol;
using Grip.Publishing;

namespace Grip.Hosting.Publishing;

/// <summary>
/// Serializes publish items into the body of a GRIP publish request, <c>{"items":[...]}</c>
/// (grip-spec §3.1), as one byte array whose length is known: Pushpin answers a chunked publish
/// with <c>411 Length Required</c>, so the publisher sends it with <c>Content-Length</c>.
/// </summary>
internal static class GripPublishRequest
{
    /// <summary>The largest publish body Pushpin accepts (<c>400 Request body too large.</c> above it).</summary>
    public const int MaxBodyBytes = 1_000_000;

    /// <summary>The content type to send the body with.</summary>
    public const string ContentType = "application/json";

    /// <summary>Validates the items and serializes them into one publish body.</summary>
    /// <param name="items">The items (an empty list is a valid, empty publish).</param>
    /// <param name="channelPrefix">A prefix put before every channel name (js-grip's publisher <c>prefix</c>), or <see langword="null"/>.</param>
    /// <returns>The UTF-8 JSON body.</returns>
    /// <exception cref="ArgumentException">An item is null or invalid (Pushpin would answer 400).</exception>
    /// <exception cref="GripLimitExceededException">The body is over <see cref="MaxBodyBytes"/>; split the items over several requests.</exception>
    public static byte[] Serialize(IReadOnlyList<PublishItem> items, string? channelPrefix = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        using var buffer = new PooledBufferWriter(1024);
        using (var writer = new Utf8JsonWriter(buffer, GripControlMessage.JsonOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("items"u8);
            for (int i = 0; i < items.Count; i++)
            {
                var item = items[i] ?? throw new ArgumentException($"items[{i}] is null.", nameof(items));
                item.WriteTo(writer, channelPrefix);

                // Stop early instead of serializing megabytes past the limit.
                if (writer.BytesPending + writer.BytesCommitted > MaxBodyBytes)
                {
                    throw TooLarge(writer.BytesPending + writer.BytesCommitted, i + 1, items.Count);
                }
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        if (buffer.WrittenCount > MaxBodyBytes)
        {
            throw TooLarge(buffer.WrittenCount, items.Count, items.Count);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static GripLimitExceededException TooLarge(long bytes, int itemsWritten, int itemCount) =>
        new($"The publish body would be over {MaxBodyBytes} bytes ({bytes} bytes after {itemsWritten} of {itemCount} items); Pushpin refuses it with '400 Request body too large.'. Publish the items in several requests, or send smaller messages.");
}
