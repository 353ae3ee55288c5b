using System.Text.Json.Serialization.Metadata;
using Grip.Publishing;

namespace Grip;

/// <summary>One-line publishing helpers over <see cref="IGripPublisher"/>.</summary>
public static class GripPublisherExtensions
{
    /// <summary>Publishes one item.</summary>
    public static Task PublishAsync(this IGripPublisher publisher, PublishItem item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(publisher);
        return publisher.PublishAsync([item], cancellationToken);
    }

    /// <summary>Publishes a text message to a channel's WebSocket subscribers.</summary>
    public static Task PublishAsync(this IGripPublisher publisher, string channel, string text, CancellationToken cancellationToken = default) =>
        publisher.PublishAsync(new PublishItem(channel) { WebSocketMessage = WebSocketMessageFormat.FromText(text) }, cancellationToken);

    /// <summary>
    /// Publishes <paramref name="value"/> as a JSON text message to a channel's WebSocket subscribers,
    /// serialized with source-generated metadata (<c>MyJsonContext.Default.MyType</c>): no reflection,
    /// Native AOT safe; the same JSON <see cref="GripConnection.SendJson{T}(T, JsonTypeInfo{T})"/> sends.
    /// </summary>
    public static Task PublishJsonAsync<T>(this IGripPublisher publisher, string channel, T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default) =>
        publisher.PublishAsync(new PublishItem(channel) { WebSocketMessage = WebSocketMessageFormat.FromJson(value, typeInfo) }, cancellationToken);

    /// <summary>
    /// Publishes <paramref name="value"/> as JSON text to every subscriber of <paramref name="channel"/>
    /// except the connection <paramref name="exceptConnectionId"/> (see <see cref="PublishExceptAsync(IGripPublisher, string, string, string, CancellationToken)"/>).
    /// </summary>
    public static Task PublishJsonExceptAsync<T>(this IGripPublisher publisher, string channel, T value, JsonTypeInfo<T> typeInfo, string exceptConnectionId, CancellationToken cancellationToken = default) =>
        publisher.PublishMessageExceptAsync(channel, WebSocketMessageFormat.FromJson(value, typeInfo), exceptConnectionId, cancellationToken);

    /// <summary>Publishes a binary message to a channel's WebSocket subscribers.</summary>
    public static Task PublishBinaryAsync(this IGripPublisher publisher, string channel, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        publisher.PublishAsync(new PublishItem(channel) { WebSocketMessage = WebSocketMessageFormat.FromBinary(data) }, cancellationToken);

    /// <summary>Closes every WebSocket subscribed to a channel.</summary>
    public static Task PublishCloseAsync(this IGripPublisher publisher, string channel, int code = CloseCodes.Normal, string? reason = null, CancellationToken cancellationToken = default) =>
        publisher.PublishAsync(new PublishItem(channel) { WebSocketMessage = WebSocketMessageFormat.CloseConnection(code, reason) }, cancellationToken);

    /// <summary>Pings every WebSocket subscribed to a channel.</summary>
    public static Task PublishPingAsync(this IGripPublisher publisher, string channel, ReadOnlyMemory<byte> payload = default, CancellationToken cancellationToken = default) =>
        publisher.PublishAsync(new PublishItem(channel) { WebSocketMessage = WebSocketMessageFormat.Ping(payload) }, cancellationToken);

    /// <summary>
    /// Publishes a text message to every subscriber of <paramref name="channel"/> except the
    /// connection <paramref name="exceptConnectionId"/>, which must have subscribed with
    /// <see cref="GripFilters.SkipSelf"/> (see <see cref="GripConnection.Subscribe(string, ReadOnlySpan{string})"/>).
    /// </summary>
    public static Task PublishExceptAsync(this IGripPublisher publisher, string channel, string text, string exceptConnectionId, CancellationToken cancellationToken = default) =>
        publisher.PublishMessageExceptAsync(channel, WebSocketMessageFormat.FromText(text), exceptConnectionId, cancellationToken);

    private static Task PublishMessageExceptAsync(this IGripPublisher publisher, string channel, WebSocketMessageFormat message, string exceptConnectionId, CancellationToken cancellationToken) =>
        publisher.PublishAsync(
            new PublishItem(channel)
            {
                WebSocketMessage = message,
                Meta = new Dictionary<string, string>(1) { [GripConnection.SkipSelfSenderMeta] = exceptConnectionId },
            },
            cancellationToken);
}
