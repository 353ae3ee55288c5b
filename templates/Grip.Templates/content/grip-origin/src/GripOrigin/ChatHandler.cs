using Grip;

namespace GripOrigin;

/// <summary>
/// One room: every connection joins it, and each text message is published to it, so everyone (the
/// sender too) receives it. The GripHandlers generator implements the dispatch of this partial class.
/// </summary>
/// <param name="publisher">Publishes through the GRIP proxy (from dependency injection).</param>
public sealed partial class ChatHandler(IGripPublisher publisher)
{
    /// <summary>The channel every connection subscribes to.</summary>
    public const string Room = "room";

    [OnOpen]
    public static void Open(GripConnection connection) => connection.Subscribe(Room);

    [OnMessage]
    public Task Message(string text, CancellationToken cancellationToken) =>
        publisher.PublishAsync(Room, text, cancellationToken);
}
