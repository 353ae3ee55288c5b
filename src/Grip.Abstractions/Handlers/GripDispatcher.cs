using System.ComponentModel;
using Grip.Protocol;

namespace Grip;

/// <summary>
/// The connection lifecycle shared by every generated dispatcher (docs/lifecycle.md):
/// <list type="bullet">
/// <item>OPEN: the connection is accepted unless <c>[OnOpen]</c> rejects it; an exception rejects it with 500.</item>
/// <item>TEXT/BINARY: routed to <c>[OnMessage]</c>; an exception closes the connection with 1011.</item>
/// <item>PING: answered with a PONG echoing the payload, no user code.</item>
/// <item>CLOSE: <c>[OnClose]</c> runs, then the close is echoed. DISCONNECT: <c>[OnClose]</c> runs.</item>
/// <item>Events after a close in the same batch are ignored, as Pushpin does.</item>
/// </list>
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GripDispatcher
{
    /// <summary>The reason sent with close code 1011 when a handler throws: exception text never reaches a client.</summary>
    public const string InternalErrorReason = "Internal server error";

    /// <summary>Runs one batch through the lifecycle.</summary>
    /// <exception cref="WebSocketFormatException">The batch is malformed; it is checked whole before any handler runs.</exception>
    public static async ValueTask DispatchAsync<THandler, TInvoker>(GripConnection connection, ReadOnlyMemory<byte> events, TInvoker invoker, CancellationToken cancellationToken)
        where THandler : class
        where TInvoker : struct, IGripHandlerInvoker<THandler>
    {
        ArgumentNullException.ThrowIfNull(connection);

        // Validate the whole batch first: a malformed batch runs no handler at all.
        var first = ValidateBatch(events);
        if (first == WebSocketEventType.Open)
        {
            connection.IsOpening = true;
        }

        THandler? handler = null;
        var reader = new WebSocketEventReader(events);
        while (reader.Read(out var e))
        {
            if (connection.IsClosing || connection.IsRejected)
            {
                break;
            }

            switch (e.Type)
            {
                case WebSocketEventType.Open:
                    if (connection.ResponseEvents.Length != 0)
                    {
                        // OPEN is only ever the first event of its request.
                        break;
                    }

                    connection.WriteOpen();
                    if (invoker.HasOpen)
                    {
                        var span = GripActivities.StartHandler<THandler>("open", connection);
                        try
                        {
                            handler ??= invoker.Create(connection.Services);
                            await invoker.OnOpenAsync(handler, connection, cancellationToken).ConfigureAwait(false);
                        }
                        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                        {
                            GripActivities.Fail(span, ex);
                            connection.RecordFault(ex);
                            connection.DiscardEvents();
                            connection.RejectInternal();
                            return;
                        }
                        finally
                        {
                            span?.Dispose();
                        }
                    }

                    if (connection.IsRejected)
                    {
                        connection.DiscardEvents();
                        return;
                    }

                    break;

                case WebSocketEventType.Text:
                case WebSocketEventType.Binary:
                {
                    var span = GripActivities.StartHandler<THandler>("message", connection);
                    try
                    {
                        handler ??= invoker.Create(connection.Services);
                        var message = new GripMessage(e.Type == WebSocketEventType.Text, e.Content);
                        await invoker.OnMessageAsync(handler, connection, message, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                    {
                        GripActivities.Fail(span, ex);
                        connection.RecordFault(ex);
                        if (!connection.IsClosing)
                        {
                            connection.Close(CloseCodes.InternalError, InternalErrorReason);
                        }
                    }
                    finally
                    {
                        span?.Dispose();
                    }

                    break;
                }

                case WebSocketEventType.Ping:
                    connection.WritePong(e.Content.Span);
                    break;

                case WebSocketEventType.Close:
                    await RunCloseAsync(connection, invoker, handler, e.GetCloseStatus(), cancellationToken).ConfigureAwait(false);
                    connection.WriteCloseEcho(e.Content.Span);
                    break;

                case WebSocketEventType.Disconnect:
                    await RunCloseAsync(connection, invoker, handler, CloseStatus.Disconnected, cancellationToken).ConfigureAwait(false);
                    connection.MarkClosing();
                    break;

                default:
                    // PONG and unknown events need no answer.
                    break;
            }
        }
    }

    private static async ValueTask RunCloseAsync<THandler, TInvoker>(GripConnection connection, TInvoker invoker, THandler? handler, CloseStatus status, CancellationToken cancellationToken)
        where THandler : class
        where TInvoker : struct, IGripHandlerInvoker<THandler>
    {
        if (!invoker.HasClose)
        {
            return;
        }

        var span = GripActivities.StartHandler<THandler>("close", connection);
        try
        {
            handler ??= invoker.Create(connection.Services);
            await invoker.OnCloseAsync(handler, connection, status, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The connection is ending anyway; record the fault for logging.
            GripActivities.Fail(span, ex);
            connection.RecordFault(ex);
        }
        finally
        {
            span?.Dispose();
        }
    }

    private static WebSocketEventType ValidateBatch(ReadOnlyMemory<byte> events)
    {
        var reader = new WebSocketEventReader(events);
        WebSocketEventType first = WebSocketEventType.Unknown;
        bool any = false;
        while (reader.Read(out var e))
        {
            if (!any)
            {
                first = e.Type;
                any = true;
            }
        }

        return first;
    }
}
