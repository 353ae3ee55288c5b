
namespace Grip;

/// <summary>Helpers for per-connection channels (<see cref="GripChannels"/>).</summary>
public static class GripChannelExtensions
{
    /// <summary>Subscribes the connection to its own channel, <see cref="GripChannels.ForConnection(string)"/> of its id.</summary>
    public static void SubscribeToOwnChannel(this GripConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.Subscribe(GripChannels.ForConnection(connection.Id));
    }

    /// <summary>
    /// Sends a text message to one connection, which must have called
    /// <see cref="SubscribeToOwnChannel(GripConnection)"/>.
    /// </summary>
    public static Task PublishToConnectionAsync(this IGripPublisher publisher, string connectionId, string text, CancellationToken cancellationToken = default) =>
        publisher.PublishAsync(GripChannels.ForConnection(connectionId), text, cancellationToken);

    /// <summary>Sends a binary message to one connection subscribed to its own channel.</summary>
    public static Task PublishBinaryToConnectionAsync(this IGripPublisher publisher, string connectionId, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        publisher.PublishBinaryAsync(GripChannels.ForConnection(connectionId), data, cancellationToken);

    /// <summary>Closes one connection subscribed to its own channel.</summary>
    public static Task CloseConnectionAsync(this IGripPublisher publisher, string connectionId, int code = CloseCodes.Normal, string? reason = null, CancellationToken cancellationToken = default) =>
        publisher.PublishCloseAsync(GripChannels.ForConnection(connectionId), code, reason, cancellationToken);
}
