using System.Buffers;
using System.ComponentModel;
using System.Runtime.CompilerServices;
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

    /// <summary>The most response buffer a batch reserves before its handlers write anything.</summary>
    private const int MaxReservedResponseBytes = 64 * 1024;

    /// <summary>Runs one batch through the lifecycle.</summary>
    /// <exception cref="WebSocketFormatException">The batch is malformed; it is checked whole before any handler runs.</exception>
    public static ValueTask DispatchAsync<THandler, TInvoker>(GripConnection connection, ReadOnlyMemory<byte> events, TInvoker invoker, CancellationToken cancellationToken)
        where THandler : class
        where TInvoker : struct, IGripHandlerInvoker<THandler>
    {
        ArgumentNullException.ThrowIfNull(connection);

        // The first event. When it is the whole body (what Pushpin posts for one client message),
        // reading it has validated the batch.
        var body = events.Span;
        int position = 0;
        if (!ReadNext(body, events, ref position, out var first))
        {
            return default;
        }

        // The common request: one client message, nothing closing, no trace listener. It runs
        // without an async state machine (only a handler that really goes asynchronous pays for
        // one) and without the loop's per-event bookkeeping.
        if (position == body.Length && first.IsMessage && !connection.IsClosing && !connection.IsRejected && !GripActivities.IsEnabled)
        {
            THandler? handler = null;
            ValueTask pending;
            try
            {
                // [OnMessage], with a fault closing with 1011 and a cancellation coming back as a
                // faulted task (as from the async path). Written out here and in DispatchEvents, not
                // in a helper: a method with a try/catch of its own is not inlined, and its frame cost
                // a fifth of the whole dispatch of a small message (docs/performance.md).
                pending = invoker.OnMessageAsync(ref handler, connection, first.Message, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                OnMessageFault(connection, ex);
                return default;
            }
            catch (OperationCanceledException ex)
            {
                return ValueTask.FromException(ex);
            }

            if (pending.IsCompletedSuccessfully)
            {
                // Finished synchronously (default, what a generated invoker returns then), or a
                // completed task or pooled IValueTaskSource: GetResult observes it (and recycles the source).
                pending.GetAwaiter().GetResult();
                return default;
            }

            return AwaitMessageAsync(pending, connection, cancellationToken);
        }

        // Validate the whole batch first: a malformed batch runs no handler at all. The events it
        // parsed are kept (in a pooled array when there are several), so nothing is parsed twice.
        int count = 1;
        BatchEvent[]? parsed = null;
        if (position != body.Length)
        {
            parsed = ValidateRest(body, events, position, first, out count);

            // Answers are usually about as large as what they answer (an echo, request and reply):
            // one buffer of the body's size instead of doubling from 256 bytes, within reason.
            connection.Response.Reserve(Math.Min(body.Length, MaxReservedResponseBytes));
        }

        return DispatchEvents<THandler, TInvoker>(connection, count, first, parsed, invoker, cancellationToken);
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

    /// <summary>
    /// Runs the events of a validated batch: <paramref name="first"/>, then <paramref name="parsed"/>[1..<paramref name="count"/>]
    /// (<paramref name="parsed"/>, when there is one, goes back to the pool at the end). Messages
    /// and PINGs run synchronously, one after another, as long as every handler completes
    /// synchronously and nobody traces; the first event that needs more (OPEN, CLOSE, DISCONNECT,
    /// a handler still running, a trace listener) hands the rest of the batch to
    /// <see cref="DispatchEventsAsync"/>, which does the same checks per event.
    /// </summary>
    private static ValueTask DispatchEvents<THandler, TInvoker>(GripConnection connection, int count, BatchEvent first, BatchEvent[]? parsed, TInvoker invoker, CancellationToken cancellationToken)
        where THandler : class
        where TInvoker : struct, IGripHandlerInvoker<THandler>
    {
        if (first.Type == WebSocketEventType.Open)
        {
            connection.IsOpening = true;
        }

        THandler? handler = null;
        int index = 0;
        if (!GripActivities.IsEnabled)
        {
            bool stopped = false;
            try
            {
                for (; index < count; index++)
                {
                    var e = index == 0 ? first : parsed![index];
                    if (!CanContinue(connection))
                    {
                        stopped = true;
                        break;
                    }

                    if (e.IsMessage)
                    {
                        ValueTask pending;
                        try
                        {
                            // As in DispatchAsync's single-message path (written out for speed, see there).
                            pending = invoker.OnMessageAsync(ref handler, connection, e.Message, cancellationToken);
                        }
                        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                        {
                            OnMessageFault(connection, ex);
                            continue;
                        }
                        catch (OperationCanceledException ex)
                        {
                            pending = ValueTask.FromException(ex);
                        }

                        if (!pending.IsCompletedSuccessfully)
                        {
                            // Still running, faulted or cancelled: the async path awaits it (and owns the array from here).
                            return ResumeAfterMessageAsync(pending, connection, index + 1, count, first, parsed, handler, invoker, cancellationToken);
                        }

                        pending.GetAwaiter().GetResult();
                    }
                    else if (e.Type == WebSocketEventType.Ping)
                    {
                        AnswerPing(connection, e.Content.Span);
                    }
                    else if (e.Type is WebSocketEventType.Open or WebSocketEventType.Close or WebSocketEventType.Disconnect)
                    {
                        break;
                    }

                    // PONG and unknown events need no answer.
                }
            }
            catch
            {
                Release(parsed, count);
                throw;
            }

            if (stopped || index == count)
            {
                Release(parsed, count);
                return default;
            }
        }

        return DispatchEventsAsync(connection, index, count, first, parsed, handler, invoker, cancellationToken);
    }

    /// <summary>
    /// Whether the next event of the batch runs: not after a close, a rejection or a handler
    /// timeout, and not once a handler caught the response-limit exception and returned (the
    /// framework then closes with 1009 at this event boundary).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool CanContinue(GripConnection connection)
    {
        if (connection.IsClosing || connection.IsRejected || connection.IsAbandoned)
        {
            return false;
        }

        if (connection.ResponseLimitReached)
        {
            connection.CloseByFramework(GripFrameworkClose.ResponseLimit);
            return false;
        }

        return true;
    }

    /// <summary>Answers a PING with a PONG echoing its payload, or closes when RFC 6455 or the response limit forbids it.</summary>
    private static void AnswerPing(GripConnection connection, ReadOnlySpan<byte> payload)
    {
        if (payload.Length > MaxControlPayloadBytes)
        {
            // RFC 6455 §5.5: no control frame carries more than 125 bytes, so no PONG can
            // echo this one; §7.4.1: a protocol error closes with 1002.
            connection.CloseByFramework(GripFrameworkClose.ControlFrameTooLarge);
        }
        else if (!connection.CanWritePong(payload.Length))
        {
            connection.CloseByFramework(GripFrameworkClose.ResponseLimit);
        }
        else
        {
            connection.WritePong(payload);
        }
    }

    /// <summary>Awaits a message handler that did not complete synchronously, then runs the rest of the batch.</summary>
    private static async ValueTask ResumeAfterMessageAsync<THandler, TInvoker>(ValueTask pending, GripConnection connection, int next, int count, BatchEvent first, BatchEvent[]? parsed, THandler? handler, TInvoker invoker, CancellationToken cancellationToken)
        where THandler : class
        where TInvoker : struct, IGripHandlerInvoker<THandler>
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            OnMessageFault(connection, ex);
        }
        catch
        {
            Release(parsed, count);
            throw;
        }

        await DispatchEventsAsync(connection, next, count, first, parsed, handler, invoker, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs the events <paramref name="start"/>..<paramref name="count"/> of a batch with every
    /// lifecycle step (OPEN, CLOSE, DISCONNECT, a span per handler call when traced), then returns
    /// <paramref name="parsed"/> to the pool.
    /// </summary>
    private static async ValueTask DispatchEventsAsync<THandler, TInvoker>(GripConnection connection, int start, int count, BatchEvent first, BatchEvent[]? parsed, THandler? handler, TInvoker invoker, CancellationToken cancellationToken)
        where THandler : class
        where TInvoker : struct, IGripHandlerInvoker<THandler>
    {
        try
        {
            for (int index = start; index < count; index++)
            {
                var e = index == 0 ? first : parsed![index];
                if (!CanContinue(connection))
                {
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
                                await invoker.OnOpenAsync(ref handler, connection, cancellationToken).ConfigureAwait(false);
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
                            var message = e.Message;
                            await invoker.OnMessageAsync(ref handler, connection, message, cancellationToken).ConfigureAwait(false);
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
                        AnswerPing(connection, e.Content.Span);
                        break;

                    case WebSocketEventType.Close:
                    {
                        var content = e.Content;
                        await RunCloseAsync(connection, invoker, handler, WebSocketEvent.ReadCloseStatus(content.Span), cancellationToken).ConfigureAwait(false);
                        if (connection.IsAbandoned)
                        {
                            return;
                        }

                        connection.WriteCloseEcho(content.Span);
                        break;
                    }

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
        finally
        {
            Release(parsed, count);
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
            await invoker.OnCloseAsync(ref handler, connection, status, cancellationToken).ConfigureAwait(false);
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
    /// Reads the event at <paramref name="position"/> of a whole body (throwing on malformed input)
    /// and moves past it: the grammar of <see cref="WebSocketEventReader"/>, without building the
    /// type name the dispatcher does not use; the content is sliced once, into the event's message.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ReadNext(ReadOnlySpan<byte> body, ReadOnlyMemory<byte> events, ref int position, out BatchEvent e)
    {
        int start = position;
        if ((uint)start >= (uint)body.Length)
        {
            e = default;
            return false;
        }

        // A final block: an incomplete event throws, so the only other answer is Done.
        WebSocketEventParser.ReadEvent(body[start..], isFinalBlock: true, start, out var type, out _, out int contentStart, out int contentLength, out int consumed);
        e = new BatchEvent(type, contentLength < 0 ? default : events.Slice(start + contentStart, contentLength));
        position = start + consumed;
        return true;
    }

    /// <summary>
    /// Reads the rest of a batch of several events (throwing on malformed input) into a pooled
    /// array, <paramref name="first"/> at index 0; the caller returns it (<see cref="Release"/>).
    /// </summary>
    private static BatchEvent[] ValidateRest(ReadOnlySpan<byte> body, ReadOnlyMemory<byte> events, int position, BatchEvent first, out int count)
    {
        var parsed = ArrayPool<BatchEvent>.Shared.Rent(EstimateEventCount(body.Length, position));
        parsed[0] = first;
        count = 1;
        try
        {
            while (ReadNext(body, events, ref position, out var e))
            {
                if (count == parsed.Length)
                {
                    var bigger = ArrayPool<BatchEvent>.Shared.Rent(count * 2);
                    parsed.AsSpan(0, count).CopyTo(bigger);
                    Release(parsed, count);
                    parsed = bigger;
                }

                parsed[count++] = e;
            }
        }
        catch
        {
            Release(parsed, count);
            throw;
        }

        return parsed;
    }

    /// <summary>
    /// How many events a batch probably holds, from the size of its first one (<paramref name="firstEventBytes"/>):
    /// the events of one batch are mostly alike (a client writing in a loop), so one array of about
    /// the right size instead of doubling from 16 (three rents and two copies for a batch of 50).
    /// Bounded: a guess too small still grows, one too large only wastes a pooled array.
    /// </summary>
    internal static int EstimateEventCount(int bodyLength, int firstEventBytes)
    {
        long estimate = (long)bodyLength / Math.Max(firstEventBytes, 1) + 1;
        return (int)Math.Clamp(estimate, MinParsedEvents, MaxEstimatedEvents);
    }

    private const int MinParsedEvents = 16;

    /// <summary>The largest first guess: 256 events (8 KB of entries); a larger batch grows from there.</summary>
    private const int MaxEstimatedEvents = 256;

    /// <summary>
    /// Returns a batch's events to the pool, the <paramref name="count"/> it used cleared first: each
    /// holds the request body, which the pool must not keep reachable (after a handler timeout the
    /// body is left to the GC).
    /// </summary>
    private static void Release(BatchEvent[]? parsed, int count)
    {
        if (parsed is not null)
        {
            parsed.AsSpan(0, count).Clear();
            ArrayPool<BatchEvent>.Shared.Return(parsed);
        }
    }

    /// <summary>One event of a batch as the dispatcher runs it: its type, and its content as a message handler receives it.</summary>
    /// <remarks>
    /// The <see cref="GripMessage"/> is built here, while the batch is read, rather than in the
    /// dispatch loop just before the handler call. A message is passed to the handler on the stack,
    /// copied in 8-byte words; built right before the call, from its one-byte flag and the 4-byte
    /// index and length of its memory, those words were read back before the narrower stores had
    /// reached the cache, and each such read waited for them (a store-forwarding stall: about 8 ns
    /// of every message event under Native AOT, where the handler is not inlined; docs/performance.md).
    /// Copied out of this array, written a whole batch earlier, it costs nothing of the kind.
    /// </remarks>
    private readonly struct BatchEvent(WebSocketEventType type, ReadOnlyMemory<byte> content)
    {
        /// <summary>The content as a message handler receives it (text or binary, a slice of the body).</summary>
        public GripMessage Message { get; } = new(type == WebSocketEventType.Text, content);

        public WebSocketEventType Type { get; } = type;

        public bool IsMessage => Type is WebSocketEventType.Text or WebSocketEventType.Binary;

        /// <summary>The content: a slice of the body (empty for an event without content).</summary>
        public ReadOnlyMemory<byte> Content => Message.Data;
    }
}
