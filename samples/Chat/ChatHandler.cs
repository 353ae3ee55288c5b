using Grip;
using Grip.Publishing;

namespace Chat;

/// <summary>Everyone in one room: each message is published to <c>all</c>, the sender included.</summary>
/// <param name="publisher">Publishes through the GRIP proxy (from DI).</param>
public sealed partial class ChatHandler(IGripPublisher publisher)
{
    /// <summary>The room every chat connection joins.</summary>
    public const string Channel = "all";

    [OnOpen]
    public static void Open(GripConnection connection) => connection.Subscribe(Channel);

    [OnMessage]
    public Task Message(string text, CancellationToken cancellationToken) =>
        publisher.PublishAsync(Channel, text, cancellationToken);
}
