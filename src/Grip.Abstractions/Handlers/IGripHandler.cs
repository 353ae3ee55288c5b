namespace Grip;

/// <summary>
/// A class with <c>[OnOpen]</c>, <c>[OnMessage]</c> and <c>[OnClose]</c> methods. You do not
/// implement this interface: the GripHandlers source generator implements it on your
/// <see langword="partial"/> class, so dispatch needs no reflection and works with Native AOT.
/// </summary>
public interface IGripHandler
{
    /// <summary>
    /// Handles one batch of WebSocket-over-HTTP events for <paramref name="connection"/>: decodes
    /// <paramref name="events"/>, calls the handler methods, and leaves the response in the connection.
    /// </summary>
    /// <exception cref="Protocol.WebSocketFormatException">The batch is malformed; no handler ran.</exception>
    static abstract ValueTask DispatchAsync(GripConnection connection, ReadOnlyMemory<byte> events, CancellationToken cancellationToken);
}
