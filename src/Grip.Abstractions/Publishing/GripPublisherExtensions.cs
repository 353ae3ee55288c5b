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
    /// <see cref="Protocol.GripFilters.SkipSelf"/> (see <see cref="GripConnection.Subscribe(string, ReadOnlySpan{string})"/>).
    /// </summary>
    public static Task PublishExceptAsync(this IGripPublisher publisher, string channel, string text, string exceptConnectionId, CancellationToken cancellationToken = default) =>
        publisher.PublishAsync(
            new PublishItem(channel)
            {
                WebSocketMessage = WebSocketMessageFormat.FromText(text),
                Meta = new Dictionary<string, string>(1) { [GripConnection.SkipSelfSenderMeta] = exceptConnectionId },
            },
            cancellationToken);
}
