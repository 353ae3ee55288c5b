using System.ComponentModel;
using Grip.Protocol;

namespace Grip.Infrastructure;

/// <summary>
/// The connection lifecycle shared by every generated dispatcher (docs/lifecycle.md):
/// <list type="bullet">
/// <item>OPEN: the connection is accepted unless <c>[OnOpen]</c> rejects it; an exception rejects it with 500.</item>
/// <item>TEXT/BINARY: routed to <c>[OnMessage]</c>; an exception closes the connection with 1011.</item>
/// <item>PING: answered with a PONG echoing the payload, no user code; a PING over 125 bytes closes with 1002.</item>
/// <item>A batch whose answers would cross Pushpin's response limit is answered up to an event boundary and closed with 1009.</item>
/// <item>CLOSE: <c>[OnClose]</c> runs, then the close is echoed. DISCONNECT: <c>[OnClose]</c> runs.</item>
/// <item>Events after a close in the same batch are ignored, as Pushpin does.</item>
/// </list>
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GripDispatcher
{
    /// <summary>The reason sent with close code 1011 when a handler throws: exception text never reaches a client.</summary>
    public const string InternalErrorReason = "Internal server error";

    /// <summary>The largest payload of a control frame (RFC 6455 §5.5).</summary>
    private const int MaxControlPayloadBytes = 125;

    /// <summary>Runs one batch through the lifecycle.</summary>
    /// <exception cref="WebSocketFormatException">The batch is malformed; it is checked whole before any handler runs.</exception>
    public static ValueTask DispatchAsync<THandler, TInvoker>(GripConnection connection, ReadOnlyMemory<byte> events, TInvoker invoker, CancellationToken cancellationToken)
        where THandler : class
        where TInvoker : struct, IGripHandlerInvoker<THandler>
    {
        ArgumentNullException.ThrowIfNull(connection);

        // Validate the whole batch first: a malformed batch runs no handler at all.
        int count = ValidateBatch(events, out var first);
        // With a trace listener attached, take the path that opens a span per handler call.
        if (count != 1 || first.Type is not (WebSocketEventType.Text or WebSocketEventType.Binary) || connection.IsClosing || connection.IsRejected || GripActivities.IsEnabled)
        {
            return DispatchBatchAsync<THandler, TInvoker>(connection, events, count, first, invoker, cancellationToken);
        }

        // The common request: one client message. Run it without an async state machine; only a
        // handler that really goes asynchronous pays for one (AwaitMessageAsync).
        ValueTask pending;
        try
        {
            var handler = invoker.Create(connection.Services);
            pending = invoker.OnMessageAsync(handler, connection, new GripMessage(first.Type == WebSocketEventType.Text, first.Content), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            OnMessageFault(connection, ex);
            return default;
        }
        catch (OperationCanceledException ex)
        {
            // The request was cancelled: surface it through the task, as the async path does.
            return ValueTask.FromException(ex);
        }

        if (pending.IsCompletedSuccessfully)
        {
            pending.GetAwaiter().GetResult();
            return default;
        }

        return AwaitMessageAsync(pending, connection, cancellationToken);
    }

    private static async ValueTask AwaitMessageAsync(ValueTask pending, GripConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            OnMessageFault(connection, ex);
        }
    }

    private static void OnMessageFault(GripConnection connection, Exception exception)
    {
        if (connection.IsAbandoned)
        {
            // The host stopped waiting (handler timeout) and answered already.
            return;
        }

        if (exception is GripLimitExceededException && connection.ResponseLimitReached)
        {
            // The batch asked for more answers than one response can carry: not a bug in the
            // handler, so no fault; end the connection with a code rather than let Pushpin drop it.
            connection.CloseByFramework(GripFrameworkClose.ResponseLimit);
            return;
        }

        connection.RecordFault(exception);
        if (!connection.IsClosing)
        {
            connection.Close(CloseCodes.InternalError, InternalErrorReason);
        }
    }

    private static async ValueTask DispatchBatchAsync<THandler, TInvoker>(GripConnection connection, ReadOnlyMemory<byte> events, int count, WebSocketEvent first, TInvoker invoker, CancellationToken cancellationToken)
        where THandler : class
        where TInvoker : struct, IGripHandlerInvoker<THandler>
    {
        if (first.Type == WebSocketEventType.Open)
        {
            connection.IsOpening = true;
        }

        THandler? handler = null;

        // Most batches carry one event: dispatch the one the validation pass already parsed
        // instead of parsing the body a second time.
        var reader = new WebSocketEventReader(count == 1 ? default : events);
        bool pending = count == 1;
        while (true)
        {
            WebSocketEvent e;
            if (pending)
            {
                e = first;
                pending = false;
            }
            else if (!reader.Read(out e))
            {
                break;
            }

            if (connection.IsClosing || connection.IsRejected || connection.IsAbandoned)
            {
                break;
            }

            if (connection.ResponseLimitReached)
            {
                // A handler caught the limit exception and returned: stop at this event boundary.
                connection.CloseByFramework(GripFrameworkClose.ResponseLimit);
                break;
            }

            switch (e.Type)
            {
                case WebSocketEventType.Open:
                    if (connection.Response.Events.Length != 0)
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
                            if (connection.IsAbandoned)
                            {
                                return;
                            }

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

                    if (connection.IsAbandoned)
                    {
                        return;
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
                        OnMessageFault(connection, ex);
                    }
                    finally
                    {
                        span?.Dispose();
                    }

                    break;
                }

                case WebSocketEventType.Ping:
                    if (e.Content.Length > MaxControlPayloadBytes)
                    {
                        // RFC 6455 §5.5: no control frame carries more than 125 bytes, so no PONG can
                        // echo this one; §7.4.1: a protocol error closes with 1002.
                        connection.CloseByFramework(GripFrameworkClose.ControlFrameTooLarge);
                    }
                    else if (!connection.CanWritePong(e.Content.Length))
                    {
                        connection.CloseByFramework(GripFrameworkClose.ResponseLimit);
                    }
                    else
                    {
                        connection.WritePong(e.Content.Span);
                    }

                    break;

                case WebSocketEventType.Close:
                    await RunCloseAsync(connection, invoker, handler, e.GetCloseStatus(), cancellationToken).ConfigureAwait(false);
                    if (connection.IsAbandoned)
                    {
                        return;
                    }

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

    /// <summary>Parses the whole batch (throwing on malformed input); returns the event count and the first event.</summary>
    private static int ValidateBatch(ReadOnlyMemory<byte> events, out WebSocketEvent first)
    {
        var reader = new WebSocketEventReader(events);
        first = default;
        int count = 0;
        while (reader.Read(out var e))
        {
            if (count++ == 0)
            {
                first = e;
            }
        }

        return count;
    }
}
