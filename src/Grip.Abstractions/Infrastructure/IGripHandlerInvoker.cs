using System.ComponentModel;

namespace Grip.Infrastructure;

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
