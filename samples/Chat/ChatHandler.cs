using Grip;
using Grip.Publishing;

namespace Chat;

/// <summary>
/// Everyone in one room: each message is published to <c>all</c>, the sender included. A message is
/// either delivered or its sender is told, and its socket stays open.
/// </summary>
/// <remarks>
/// The publish is handed off (<see cref="IGripPublisher.PublishInBackground"/>): the answer to the
/// sender's request goes back at once instead of waiting for the proxy. Awaiting it would hold every
/// sender's WebSocket-over-HTTP request until the publish request that carries its message is
/// answered, and the publisher sends many messages in one request, so hundreds of answers would go
/// back at the same moment; Pushpin 1.36 then has to start as many new requests at once, and drops
/// (1006) the connections whose request it cannot queue (docs/scaling.md, "Many answers at once").
/// A failure reaches the sender on its own channel (<c>grip.connection.&lt;id&gt;</c>, subscribed
/// at open); if even that publish fails, the notice waits for the sender's next message
/// (<see cref="HeldNotices"/>).
/// </remarks>
/// <param name="publisher">Publishes through the GRIP proxy (from DI).</param>
/// <param name="held">Notices that could not be published, for the sender's next request.</param>
/// <param name="logger">Where a notice that cannot be kept is reported.</param>
[GripPublishes(typeof(string), Channel = "all")]
public sealed partial class ChatHandler(IGripPublisher publisher, HeldNotices held, ILogger<ChatHandler> logger)
{
    /// <summary>The room every chat connection joins.</summary>
    public const string Channel = "all";

    /// <summary>What the sender gets when its message certainly reached nobody.</summary>
    public const string NotDeliveredPrefix = "error: not delivered: ";

    /// <summary>What the sender gets when its message may or may not have reached the room.</summary>
    public const string UncertainPrefix = "error: delivery unknown: ";

    [OnOpen]
    public static void Open(GripConnection connection)
    {
        connection.Subscribe(Channel);

        // Where this connection hears that one of its messages was not delivered.
        connection.SubscribeToOwnChannel();
    }

    [OnMessage]
    public void Message(GripConnection connection, string text)
    {
        // Notices that could not be published earlier go back in this answer.
        held.DeliverTo(connection);

        string connectionId = connection.Id;
        try
        {
            publisher.PublishInBackground(
                [new PublishItem(Channel) { WebSocketMessage = WebSocketMessageFormat.FromText(text) }],
                onFailure: ex => TellAsync(connectionId, (ex.IsUncertain ? UncertainPrefix : NotDeliveredPrefix) + text));
        }
        catch (GripPublishQueueFullException)
        {
            // No proxy could queue it: certainly not published, and the sender hears it in this answer.
            connection.Send(NotDeliveredPrefix + text);
        }
    }

    [OnClose]
    public void Close(GripConnection connection) => held.Forget(connection.Id);

    /// <summary>
    /// Tells the sender on its own channel. Never re-sends the message itself: an unknown outcome may
    /// already have reached everyone.
    /// </summary>
    private async Task TellAsync(string connectionId, string notice)
    {
        try
        {
            await publisher.PublishToConnectionAsync(connectionId, notice).ConfigureAwait(false);
        }
        catch (GripPublishException)
        {
            // The proxy's publish endpoint failed this one too: the notice waits for the sender's next request.
            if (!held.Hold(connectionId, notice))
            {
                LogNoticeDropped(logger, HeldNotices.MaxPerConnection, HeldNotices.MaxConnections);
            }
        }
    }

    // LoggerMessage.Define rather than [LoggerMessage]: the docs tests compile this file with only
    // the GRIP generator, and a [LoggerMessage] partial method has no body without its own generator.
    private static readonly Action<ILogger, int, int, Exception?> NoticeDropped = LoggerMessage.Define<int, int>(
        LogLevel.Warning,
        new EventId(1, "NoticeDropped"),
        "A 'not delivered' notice could not be published and no more can be held (at most {PerConnection} per connection, {Connections} connections): its sender will not be told");

    private static void LogNoticeDropped(ILogger logger, int perConnection, int connections) => NoticeDropped(logger, perConnection, connections, null);
}
