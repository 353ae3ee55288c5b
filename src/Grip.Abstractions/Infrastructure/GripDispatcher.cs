using System.Buffers;
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

        // Validate the whole batch first: a malformed batch runs no handler at all. The events it
        // parsed are kept (in a pooled array when there are several), so nothing is parsed twice.
        int count = ValidateBatch(events, out var first, out var parsed);
        // With a trace listener attached, take the path that opens a span per handler call.
        if (count != 1 || first.Type is not (WebSocketEventType.Text or WebSocketEventType.Binary) || connection.IsClosing || connection.IsRejected || GripActivities.IsEnabled)
        {
            return parsed is null
                ? DispatchEventsAsync<THandler, TInvoker>(connection, count, first, parsed, invoker, cancellationToken)
                : DispatchBatchAsync<THandler, TInvoker>(connection, count, first, parsed, invoker, cancellationToken);
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

    /// <summary>Runs a batch of several events, then returns <paramref name="parsed"/> (all of them) to the pool.</summary>
    private static async ValueTask DispatchBatchAsync<THandler, TInvoker>(GripConnection connection, int count, WebSocketEvent first, WebSocketEvent[] parsed, TInvoker invoker, CancellationToken cancellationToken)
        where THandler : class
        where TInvoker : struct, IGripHandlerInvoker<THandler>
    {
        try
        {
            await DispatchEventsAsync<THandler, TInvoker>(connection, count, first, parsed, invoker, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<WebSocketEvent>.Shared.Return(parsed, clearArray: true);
        }
    }

    /// <summary>Runs the events of a batch: <paramref name="first"/>, then <paramref name="parsed"/>[1..<paramref name="count"/>].</summary>
    private static async ValueTask DispatchEventsAsync<THandler, TInvoker>(GripConnection connection, int count, WebSocketEvent first, WebSocketEvent[]? parsed, TInvoker invoker, CancellationToken cancellationToken)
        where THandler : class
        where TInvoker : struct, IGripHandlerInvoker<THandler>
    {
        if (first.Type == WebSocketEventType.Open)
        {
            connection.IsOpening = true;
        }

        THandler? handler = null;

        // The events the validation pass parsed: the body is not read a second time.
        for (int index = 0; index < count; index++)
        {
            var e = index == 0 ? first : parsed![index];

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

    /// <summary>
    /// Parses the whole batch (throwing on malformed input); returns the event count and the first
    /// event, and when there are several, every event in a pooled array (the caller returns it).
    /// </summary>
    private static int ValidateBatch(ReadOnlyMemory<byte> events, out WebSocketEvent first, out WebSocketEvent[]? parsed)
    {
        var reader = new WebSocketEventReader(events);
        first = default;
        parsed = null;
        int count = 0;
        try
        {
            while (reader.Read(out var e))
            {
                if (count == 0)
                {
                    first = e;
                }
                else
                {
                    if (parsed is null || count == parsed.Length)
                    {
                        var bigger = ArrayPool<WebSocketEvent>.Shared.Rent(Math.Max(16, count * 2));
                        if (parsed is not null)
                        {
                            parsed.AsSpan(0, count).CopyTo(bigger);
                            ArrayPool<WebSocketEvent>.Shared.Return(parsed, clearArray: true);
                        }
                        else
                        {
                            bigger[0] = first;
                        }

                        parsed = bigger;
                    }

                    parsed[count] = e;
                }

                count++;
            }
        }
        catch
        {
            if (parsed is not null)
            {
                ArrayPool<WebSocketEvent>.Shared.Return(parsed, clearArray: true);
                parsed = null;
            }

            throw;
        }

        return count;
    }
}
