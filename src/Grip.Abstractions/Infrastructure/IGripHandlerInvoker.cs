using System.ComponentModel;

namespace Grip.Infrastructure;

/// <summary>
/// The generated, per-handler binding the dispatcher calls: invokes the handler's methods with bound
/// parameters, creating the handler only for a method that needs an instance. Implemented by
/// generated code as a struct, so calls are direct.
/// </summary>
/// <remarks>
/// The dispatcher keeps one <typeparamref name="THandler"/> slot per batch, <see langword="null"/> at
/// first, and passes it by reference to every call. An invoker about to call an instance method
/// fills an empty slot (resolving constructor parameters from <see cref="GripConnection.Services"/>)
/// and uses what is in it; a static method leaves the slot alone. So a batch creates the handler at
/// most once, at the first instance method it runs, and a batch that runs only static methods
/// creates none (and does not touch the request's services for it).
/// </remarks>
/// <typeparam name="THandler">The handler class.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IGripHandlerInvoker<THandler>
    where THandler : class
{
    /// <summary>Whether the class has an <c>[OnOpen]</c> method.</summary>
    bool HasOpen { get; }

    /// <summary>Whether the class has an <c>[OnClose]</c> method.</summary>
    bool HasClose { get; }

    /// <summary>Invokes <c>[OnOpen]</c>.</summary>
    /// <param name="handler">The batch's handler: <see langword="null"/> until a method that needs an instance created it.</param>
    /// <param name="connection">The connection.</param>
    /// <param name="cancellationToken">The request's token.</param>
    ValueTask OnOpenAsync(ref THandler? handler, GripConnection connection, CancellationToken cancellationToken);

    /// <summary>Routes one message to the matching <c>[OnMessage]</c> method.</summary>
    /// <param name="handler">The batch's handler: <see langword="null"/> until a method that needs an instance created it.</param>
    /// <param name="connection">The connection.</param>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">The request's token.</param>
    ValueTask OnMessageAsync(ref THandler? handler, GripConnection connection, GripMessage message, CancellationToken cancellationToken);

    /// <summary>Invokes <c>[OnClose]</c>.</summary>
    /// <param name="handler">The batch's handler: <see langword="null"/> until a method that needs an instance created it.</param>
    /// <param name="connection">The connection.</param>
    /// <param name="status">How the connection closed.</param>
    /// <param name="cancellationToken">The request's token.</param>
    ValueTask OnCloseAsync(ref THandler? handler, GripConnection connection, CloseStatus status, CancellationToken cancellationToken);
}
