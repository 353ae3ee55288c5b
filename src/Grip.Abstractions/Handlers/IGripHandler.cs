using System.ComponentModel;

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

/// <summary>
/// The generated, per-handler binding the dispatcher calls: creates the handler and invokes its
/// methods with bound parameters. Implemented by generated code as a struct, so calls are direct.
/// </summary>
/// <typeparam name="THandler">The handler class.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IGripHandlerInvoker<THandler>
    where THandler : class
{
    /// <summary>Whether the class has an <c>[OnOpen]</c> method.</summary>
    bool HasOpen { get; }

    /// <summary>Whether the class has an <c>[OnClose]</c> method.</summary>
    bool HasClose { get; }

    /// <summary>Creates the handler, resolving constructor parameters from <paramref name="services"/>.</summary>
    THandler Create(IServiceProvider services);

    /// <summary>Invokes <c>[OnOpen]</c>.</summary>
    ValueTask OnOpenAsync(THandler handler, GripConnection connection, CancellationToken cancellationToken);

    /// <summary>Routes one message to the matching <c>[OnMessage]</c> method.</summary>
    ValueTask OnMessageAsync(THandler handler, GripConnection connection, GripMessage message, CancellationToken cancellationToken);

    /// <summary>Invokes <c>[OnClose]</c>.</summary>
    ValueTask OnCloseAsync(THandler handler, GripConnection connection, CloseStatus status, CancellationToken cancellationToken);
}
