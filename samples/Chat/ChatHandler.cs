using Grip;
using Grip.Publishing;

namespace Chat;

/// <summary>
/// Everyone in one room: each message is published to <c>all</c>, the sender included. A message is
/// either delivered or its sender is told: when the publish fails, or its outcome is unknown, the
/// sender gets an error message on its own socket, which stays open.
/// </summary>
/// <param name="publisher">Publishes through the GRIP proxy (from DI).</param>
[GripPublishes(typeof(string), Channel = "all")]
public sealed partial class ChatHandler(IGripPublisher publisher)
{
    /// <summary>The room every chat connection joins.</summary>
    public const string Channel = "all";

    /// <summary>What the sender gets when its message certainly reached nobody.</summary>
    public const string NotDeliveredPrefix = "error: not delivered: ";

    /// <summary>What the sender gets when its message may or may not have reached the room.</summary>
    public const string UncertainPrefix = "error: delivery unknown: ";

    [OnOpen]
    public static void Open(GripConnection connection) => connection.Subscribe(Channel);

    [OnMessage]
    public async Task Message(GripConnection connection, string text, CancellationToken cancellationToken)
    {
        try
        {
            // Awaited: the answer to this request is where the sender hears about a failure. The
            // publisher queues and coalesces, so under load this waits for one request to the proxy,
            // not for a long line of them.
            await publisher.PublishAsync(Channel, text, cancellationToken);
        }
        catch (GripPublishException ex)
        {
            // Never re-sent here: an unknown outcome may already have reached everyone.
            connection.Send((ex.IsUncertain ? UncertainPrefix : NotDeliveredPrefix) + text);
        }
    }
}
