using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text;
using Grip.Diagnostics;
using Grip.Hosting.Diagnostics;
using Grip.Hosting.Security;
using Grip.Infrastructure;
using Grip.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Grip.Hosting;

/// <summary>A handler's generated <see cref="IGripHandler.DispatchAsync"/>, bound once per endpoint.</summary>
internal delegate ValueTask GripDispatchCallback(GripConnection connection, ReadOnlyMemory<byte> events, CancellationToken cancellationToken);

/// <summary>
/// The request pipeline of one <c>MapGripHandler</c> endpoint: Grip-Sig check (fail closed) ─▶ is
/// it WebSocket-over-HTTP? ─▶ Connection-Id ─▶ bounded body ─▶ dispatch ─▶ response
/// (docs/security.md, docs/configuration.md).
/// </summary>
/// <remarks>
/// Not generic over the handler on purpose: handler classes are reference types, so a
/// <c>GripEndpoint&lt;THandler&gt;</c> ran as shared generic code, and under Native AOT every static
/// field it read and the static abstract <c>THandler.DispatchAsync</c> call went through the
/// generic dictionary. The handler's dispatch is bound once, as a delegate to its generated
/// <see cref="IGripHandler.DispatchAsync"/> (<see cref="For{THandler}"/>), and the request path is
/// ordinary non-generic code (docs/performance.md).
/// </remarks>
internal sealed class GripEndpoint(GripRuntime runtime, GripMetrics metrics, ILogger logger, string handlerName, GripDispatchCallback handlerDispatch)
{
    /// <summary>The media type of WebSocket-over-HTTP bodies, exactly as Pushpin wants it (no parameters).</summary>
    public const string ContentType = "application/websocket-events";

    /// <summary>The handler class's name, for logs and metrics.</summary>
    private string HandlerName { get; } = handlerName;
    private static readonly StringValues ContentTypeValue = new(ContentType);
    private static readonly StringValues GripExtension = new("grip");

    /// <summary>
    /// How long one batch may take before the connection is closed with 1011 (rejected with 500 while
    /// opening); <see langword="null"/> waits for ever. From <see cref="GripOptions.HandlerTimeout"/>,
    /// or per endpoint with <c>WithGripHandlerTimeout</c>.
    /// </summary>
    public TimeSpan? HandlerTimeout { get; set; } = runtime.Options.HandlerTimeout;

    /// <summary>
    /// Maps a signed-in user to the id of its user channel: the app's <see cref="IGripUserIdProvider"/>
    /// (a singleton, docs/publishing.md), resolved once from the application's services so that an
    /// OPEN creates no request scope for it; <see cref="GripUserIdProvider.Default"/> without one.
    /// </summary>
    public IGripUserIdProvider UserIds { get; set; } = GripUserIdProvider.Default;

    /// <summary>The endpoint of <typeparamref name="THandler"/>: its name for logs and metrics, its generated dispatch.</summary>
    public static GripEndpoint For<THandler>(GripRuntime runtime, GripMetrics metrics, ILogger logger)
        where THandler : class, IGripHandler
        => new(runtime, metrics, logger, typeof(THandler).Name, THandler.DispatchAsync);

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;

        // The request's headers, fetched once: each request.Headers is an interface call to the
        // server's request feature, and under Native AOT an interface call costs a dispatch-cell
        // lookup (docs/performance.md).
        var headers = request.Headers;

        // Asked first (GripActivities.IsEnabled, the dispatcher's own test): StartActivity with nobody
        // listening still runs the activity source's checks.
        var source = GripTelemetry.ActivitySource;
        using var activity = GripActivities.IsEnabled ? source.StartActivity("grip.request", ActivityKind.Internal) : null;
        activity?.SetTag("grip.handler", HandlerName);

        // 1. Grip-Sig, before anything else is looked at: fail closed.
        bool signed = false;
        if (runtime.Verifier.IsEnabled)
        {
            var sigHeader = headers["Grip-Sig"];
            string? sig = sigHeader.Count > 0 ? sigHeader.ToString() : null;
            var verifying = runtime.Verifier.VerifyAsync(sig);
            var (status, reason) = verifying.IsCompletedSuccessfully ? verifying.Result : await verifying.ConfigureAwait(false);
            if (status != GripSignatureStatus.Valid)
            {
                Log.SignatureRejected(logger, reason ?? "invalid", SafePath(request));
                await RefuseAsync(context, StatusCodes.Status401Unauthorized, "Grip-Sig missing or invalid.", "signature", log: false).ConfigureAwait(false);
                return;
            }

            signed = true;
        }
        else if (!runtime.Options.AllowUnsignedRequests)
        {
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, "No Grip-Sig verify key is configured.", "signature").ConfigureAwait(false);
            return;
        }

        activity?.SetTag("grip.signed", signed);

        // 2. Is it WebSocket-over-HTTP at all?
        if (!IsWebSocketOverHttp(request.Method, headers, out string? notWoh))
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, notWoh, "not-websocket-over-http").ConfigureAwait(false);
            return;
        }

        // 3. Connection-Id.
        string connectionId = headers["Connection-Id"].ToString();
        if (connectionId.Length == 0)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "WebSocket event missing Connection-Id header.", "no-connection-id").ConfigureAwait(false);
            return;
        }

        activity?.SetTag("grip.connection_id", connectionId);

        // 4. The body, bounded.
        long max = runtime.Options.MaxRequestBodySize;
        long? contentLength = headers.ContentLength;
        if (contentLength is { } declared && declared > max)
        {
            await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, $"Request body of {declared} bytes is over the limit of {max} bytes.", "too-large").ConfigureAwait(false);
            return;
        }

        // The body comes from the proxy: its signature was checked above (or unsigned requests were
        // allowed on purpose). A proxy under load may send it slowly, and Kestrel's minimum body data
        // rate (240 B/s after a 5 s grace) would then abort the request, and with it the client's
        // WebSocket: the fan-out harness saw 993 of 1,000 connections dropped that way
        // (docs/performance.md). The size limit above still applies.
        // The indexer rather than Get<T>: a generic virtual method costs a lookup per call under Native AOT.
        var features = context.Features;
        if (features[typeof(IHttpMinRequestBodyDataRateFeature)] is IHttpMinRequestBodyDataRateFeature bodyRate)
        {
            bodyRate.MinDataRate = null;
        }

        // The request's lifetime and body pipe straight from the server's features by type (one
        // interface call each): context.RequestAborted and request.BodyReader fetch them on first use
        // through a generic interface method, which Native AOT resolves with a table lookup.
        CancellationToken requestAborted = features[typeof(IHttpRequestLifetimeFeature)] is IHttpRequestLifetimeFeature lifetime
            ? lifetime.RequestAborted
            : context.RequestAborted;
        PipeReader bodyReader = features[typeof(IRequestBodyPipeFeature)] is IRequestBodyPipeFeature bodyPipe
            ? bodyPipe.Reader
            : request.BodyReader;

        byte[]? rented = null;
        try
        {
            int length;
            try
            {
                (rented, length) = await ReadBodyAsync(bodyReader, contentLength, (int)Math.Min(max, int.MaxValue - 1), requestAborted).ConfigureAwait(false);
            }
            catch (BadHttpRequestException ex)
            {
                // A body the server refused to finish reading (cut short, or a limit of the server):
                // answered with its status and counted, not left to surface as an unhandled exception.
                if (!context.Response.HasStarted)
                {
                    await RefuseAsync(context, ex.StatusCode, "The request body could not be read: " + ex.Message, "body-unreadable").ConfigureAwait(false);
                }

                return;
            }

            if (length < 0)
            {
                await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, $"Request body is over the limit of {max} bytes.", "too-large").ConfigureAwait(false);
                return;
            }

            var body = rented.AsMemory(0, length);
            metrics.BatchBytes.Record(length);

            // 5. Dispatch.
            // The handler holds the connection; the host reads what it wrote from the response.
            var answer = new GripResponse();
            var gripRequest = new HttpGripRequest(request);

            // The request's services, user and meta are read from it when a handler first asks
            // (HttpGripRequest): an echo creates no DI scope and no empty principal per request.
            using var connection = new GripConnection(connectionId, gripRequest, gripRequest, trustedMeta: signed, answer);
            // The clock is read only for the duration metric, or once the handler goes asynchronous
            // (a timeout then needs it): each read is a clock_gettime call, tens of nanoseconds.
            bool timed = metrics.HandlerDuration.Enabled;
            long start = timed ? Stopwatch.GetTimestamp() : 0;
            TimeSpan? timeout = HandlerTimeout;
            using var timeoutSource = timeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
            try
            {
                using (var dispatch = GripActivities.IsEnabled ? source.StartActivity("grip.dispatch", ActivityKind.Internal) : null)
                {
                    dispatch?.SetTag("grip.handler", HandlerName);
                    var pending = handlerDispatch(connection, body, timeoutSource?.Token ?? requestAborted);
                    if (pending.IsCompleted || timeout is not { } limit)
                    {
                        await pending.ConfigureAwait(false);
                    }
                    else
                    {
                        if (!timed)
                        {
                            start = Stopwatch.GetTimestamp();
                        }

                        var running = pending.AsTask();
                        if (!await CompletesWithinAsync(running, limit, requestAborted).ConfigureAwait(false))
                        {
                            // The handler is still running: answer without it. Its buffers and the request body
                            // it may still read stay with it (the GC takes them, not the shared pool), and so
                            // does what it reads from the request (meta, services, user): read now, while
                            // the request's objects are still this request's.
                            connection.CaptureRequestState();
                            if (connection.Abandon(GripFrameworkClose.HandlerTimeout))
                            {
                                rented = null;
                                await timeoutSource!.CancelAsync().ConfigureAwait(false);
                                await AnswerTimeoutAsync(context, connection, running, limit, start).ConfigureAwait(false);
                                return;
                            }
                        }
                    }
                }
            }
            catch (WebSocketFormatException ex)
            {
                await RefuseAsync(context, StatusCodes.Status400BadRequest, ex.Message, "malformed").ConfigureAwait(false);
                return;
            }
            finally
            {
                if (timed)
                {
                    metrics.HandlerDuration.Record(Stopwatch.GetElapsedTime(start).TotalSeconds, new KeyValuePair<string, object?>("grip.handler", HandlerName));
                }
            }

            // A second look at the batch only when someone consumes what it yields.
            bool observe = activity is not null || metrics.Events.Enabled || metrics.BatchSize.Enabled ||
                metrics.Closes.Enabled || metrics.Disconnects.Enabled || logger.IsEnabled(LogLevel.Debug);
            int eventCount = observe ? RecordEvents(body) : -1;
            RecordOutcome(connection, answer);
            activity?.SetTag("grip.events", eventCount);
            // Indexed, not foreach: enumerating the (usually empty) list through its interface costs
            // three interface calls (GetEnumerator, MoveNext, Dispose) per request.
            var faults = answer.Faults;
            for (int i = 0; i < faults.Count; i++)
            {
                metrics.HandlerFaults.Add(1, new KeyValuePair<string, object?>("grip.handler", HandlerName));
                Log.HandlerFault(logger, faults[i], HandlerName, GripLogText.Escape(connectionId)!);
            }

            if (answer.FrameworkClose is { } frameworkClose)
            {
                metrics.Closes.Add(1, new KeyValuePair<string, object?>("grip.close.initiator", "origin"), new KeyValuePair<string, object?>("grip.close.reason", frameworkClose.Kind));
                Log.FrameworkClosed(logger, GripLogText.Escape(connectionId)!, frameworkClose.Code, frameworkClose.Kind, frameworkClose.Reason);
            }

            SubscribeUserChannel(context, connection);

            // 6. The response.
            await WriteResponseAsync(context, headers, connection, answer, requestAborted).ConfigureAwait(false);
            if (eventCount >= 0)
            {
                Log.BatchDispatched(logger, GripLogText.Escape(connectionId)!, eventCount, HandlerName, answer.Events.Length);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// js-grip's <c>isWsOverHttp</c>: POST, Content-Type media type <c>application/websocket-events</c>,
    /// and an Accept that admits it (<c>*/*</c>, <c>application/*</c> or the type itself).
    /// </summary>
    /// <remarks>
    /// Pushpin sends both headers as exactly <see cref="ContentType"/>: that is compared first, ordinally
    /// (a plain memory compare); any other spelling (case, parameters, a list) goes the general way.
    /// </remarks>
    internal static bool IsWebSocketOverHttp(string method, IHeaderDictionary headers, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? reason)
    {
        if (!HttpMethods.IsPost(method))
        {
            reason = $"WebSocket-over-HTTP requests are POST, not {method}.";
            return false;
        }

        string? contentType = headers.ContentType;
        if (contentType is null || !(string.Equals(contentType, ContentType, StringComparison.Ordinal) || MediaTypeIs(contentType, ContentType)))
        {
            reason = $"Content-Type must be {ContentType} (got '{contentType}'): this endpoint serves WebSocket-over-HTTP from a GRIP proxy.";
            return false;
        }

        var accept = headers.Accept;
        if (accept.Count == 1 && string.Equals(accept[0], ContentType, StringComparison.Ordinal))
        {
            reason = null;
            return true;
        }

        bool acceptable = false;
        foreach (string? value in accept)
        {
            // Split without allocating: this runs on every request.
            var text = value.AsSpan();
            foreach (var range in text.Split(','))
            {
                var entry = text[range];
                if (MediaTypeIs(entry, "*/*") || MediaTypeIs(entry, "application/*") || MediaTypeIs(entry, ContentType))
                {
                    acceptable = true;
                    break;
                }
            }

            if (acceptable)
            {
                break;
            }
        }

        if (!acceptable)
        {
            reason = $"Accept must admit {ContentType} (got '{accept}').";
            return false;
        }

        reason = null;
        return true;
    }

    private static bool MediaTypeIs(ReadOnlySpan<char> value, string mediaType)
    {
        int semicolon = value.IndexOf(';');
        var type = (semicolon < 0 ? value : value[..semicolon]).Trim();
        return type.Equals(mediaType, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Reads the body into a pooled array (the handler's events are slices of it); length -1 when it
    /// is longer than <paramref name="max"/>. Straight from the request's <see cref="PipeReader"/>:
    /// each buffer Kestrel has is copied once and consumed, and a body with a Content-Length ends
    /// with the read that completes it, without the extra zero-length read a <see cref="Stream"/> needs.
    /// </summary>
    private static async ValueTask<(byte[] Buffer, int Length)> ReadBodyAsync(PipeReader reader, long? contentLength, int max, CancellationToken cancellationToken)
    {
        int initial = contentLength is { } declared ? (int)declared : 4096;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initial, 16));
        int total = 0;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var data = result.Buffer;
                if (data.Length > max - total)
                {
                    reader.AdvanceTo(data.End);
                    return (buffer, -1);
                }

                int size = (int)data.Length;
                if (total + size > buffer.Length)
                {
                    // More than announced (or no announcement): grow, never past max (checked above).
                    int grown = (int)Math.Min(Math.Max((long)buffer.Length * 2, (long)total + size), max);
                    byte[] bigger = ArrayPool<byte>.Shared.Rent(grown);
                    buffer.AsSpan(0, total).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                data.CopyTo(buffer.AsSpan(total));
                total += size;
                reader.AdvanceTo(data.End);
                if (result.IsCompleted)
                {
                    return (buffer, total);
                }

                if (result.IsCanceled)
                {
                    throw new OperationCanceledException("The request body read was canceled.");
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private int RecordEvents(ReadOnlyMemory<byte> body)
    {
        int count = 0;
        bool countTypes = metrics.Events.Enabled;
        var reader = new WebSocketEventReader(body);
        while (reader.Read(out var e))
        {
            count++;
            if (countTypes)
            {
                metrics.Events.Add(1, new KeyValuePair<string, object?>("grip.event.type", TypeName(e.Type)));
            }

            if (e.Type == WebSocketEventType.Close)
            {
                metrics.Closes.Add(1, new KeyValuePair<string, object?>("grip.close.initiator", "client"));
            }
            else if (e.Type == WebSocketEventType.Disconnect)
            {
                metrics.Disconnects.Add(1, new KeyValuePair<string, object?>("grip.disconnect.initiator", "client"));
            }
        }

        metrics.BatchSize.Record(count);
        return count;
    }

    private void RecordOutcome(GripConnection connection, GripResponse answer)
    {
        if (connection.IsOpening)
        {
            if (answer.IsRejected)
            {
                metrics.Rejects.Add(1, new KeyValuePair<string, object?>("grip.reject.reason", answer.Faults.Count > 0 ? "handler-error" : "handler"));
                Log.ConnectionRejected(logger, GripLogText.Escape(connection.Id)!, HandlerName, answer.RejectStatusCode!.Value);
            }
            else
            {
                metrics.Opens.Add(1);
            }
        }
    }

    private static string TypeName(WebSocketEventType type) => type switch
    {
        WebSocketEventType.Open => "open",
        WebSocketEventType.Text => "text",
        WebSocketEventType.Binary => "binary",
        WebSocketEventType.Ping => "ping",
        WebSocketEventType.Pong => "pong",
        WebSocketEventType.Close => "close",
        WebSocketEventType.Disconnect => "disconnect",
        _ => "unknown",
    };

    private static async Task WriteResponseAsync(HttpContext context, IHeaderDictionary requestHeaders, GripConnection connection, GripResponse answer, CancellationToken requestAborted)
    {
        var response = context.Response;
        if (answer.IsRejected)
        {
            response.StatusCode = answer.RejectStatusCode!.Value;
            byte[] text = Encoding.UTF8.GetBytes(answer.RejectBody ?? string.Empty);
            response.ContentType = "text/plain; charset=utf-8";
            response.ContentLength = text.Length;
            await response.Body.WriteAsync(text, requestAborted).ConfigureAwait(false);
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        var headers = response.Headers;

        // Set the header string itself: with a charset parameter Pushpin drops the client.
        headers.ContentType = ContentTypeValue;
        if (connection.IsOpening)
        {
            headers["Sec-WebSocket-Extensions"] = GripExtension;
            if (answer.Subprotocol is { } subprotocol)
            {
                headers["Sec-WebSocket-Protocol"] = subprotocol;
            }
        }

        if (connection.Meta.HasChanges)
        {
            // (Asked first: enumerating the empty read-only dictionary would box an enumerator on every request.)
            foreach (var change in connection.Meta.Changes)
            {
                headers["Set-Meta-" + change.Key] = change.Value ?? string.Empty;
            }
        }

        if (answer.KeepAliveIntervalChanged)
        {
            headers["Keep-Alive-Interval"] = answer.KeepAliveInterval is { } interval
                ? ((long)Math.Ceiling(interval.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture)
                : "0";
        }

        // Never compressed: a Content-Encoding already present makes response compression stand aside,
        // and 'identity' says what the body is. (The known header's own property: no lookup by name.)
        if (requestHeaders.AcceptEncoding.Count > 0)
        {
            headers.ContentEncoding = "identity";
        }

        // One write of the whole body with its Content-Length, through the response's PipeWriter
        // (the Stream over it only adds a layer); Kestrel sends headers and body in one flush.
        var events = answer.Events;
        response.ContentLength = events.Length;
        await response.BodyWriter.WriteAsync(events, requestAborted).ConfigureAwait(false);
    }

    /// <summary>The request path for a log line: client text, so escaped and bounded (docs/security.md).</summary>
    private static string SafePath(HttpRequest request) => GripLogText.Escape(request.Path.Value ?? string.Empty)!;

    /// <summary>Waits for <paramref name="dispatch"/> at most <paramref name="timeout"/>; a request abort still propagates.</summary>
    private async Task<bool> CompletesWithinAsync(Task dispatch, TimeSpan timeout, CancellationToken requestAborted)
    {
        try
        {
            await dispatch.WaitAsync(timeout, runtime.TimeProvider, requestAborted).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            if (!dispatch.IsCompleted)
            {
                return false;
            }

            // It finished just as the timer fired: its outcome counts.
            await dispatch.ConfigureAwait(false);
            return true;
        }
    }

    /// <summary>
    /// The answer when a handler outlived the timeout: a 500 rejection while opening (as for a
    /// throwing <c>[OnOpen]</c>), else <c>CLOSE 1011 Handler timeout</c> alone. Nothing the handler
    /// wrote in this batch is read (it may still be writing), so its earlier answers and meta changes
    /// in the batch are dropped with it.
    /// </summary>
    private async Task AnswerTimeoutAsync(HttpContext context, GripConnection connection, Task running, TimeSpan timeout, long start)
    {
        string id = GripLogText.Escape(connection.Id)!;
        bool opening = connection.IsOpening;
        metrics.HandlerFaults.Add(1, new KeyValuePair<string, object?>("grip.handler", HandlerName), new KeyValuePair<string, object?>("grip.fault", "timeout"));
        Log.HandlerTimedOut(logger, HandlerName, timeout.TotalSeconds, id, opening ? "rejected with 500" : "closed with 1011");
        ObserveLateCompletion(running, id, start, timeout);

        var response = context.Response;
        if (opening)
        {
            metrics.Rejects.Add(1, new KeyValuePair<string, object?>("grip.reject.reason", "handler-timeout"));
            response.StatusCode = StatusCodes.Status500InternalServerError;
            response.ContentLength = 0;
            return;
        }

        var close = GripFrameworkClose.HandlerTimeout;
        metrics.Closes.Add(1, new KeyValuePair<string, object?>("grip.close.initiator", "origin"), new KeyValuePair<string, object?>("grip.close.reason", close.Kind));
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64);
        Span<byte> payload = stackalloc byte[2 + CloseCodes.MaxReasonBytes];
        payload[0] = (byte)(close.Code >> 8);
        payload[1] = (byte)close.Code;
        int length = 2 + Encoding.UTF8.GetBytes(close.Reason, payload[2..]);
        WebSocketEventWriter.WriteEvent(buffer, WebSocketEventType.Close, payload[..length]);
        response.StatusCode = StatusCodes.Status200OK;
        response.Headers.ContentType = ContentTypeValue;
        if (context.Request.Headers.AcceptEncoding.Count > 0)
        {
            response.Headers.ContentEncoding = "identity";
        }

        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Logs when (and how) a timed-out handler finally ends, and observes its exception.</summary>
    private void ObserveLateCompletion(Task running, string id, long start, TimeSpan timeout)
    {
        _ = running.ContinueWith(
            (task, state) =>
            {
                double late = Stopwatch.GetElapsedTime(start).TotalSeconds - timeout.TotalSeconds;
                Log.HandlerFinishedLate((ILogger)state!, task.Exception?.GetBaseException(), HandlerName, id, Math.Round(late, 3));
            },
            logger,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private async Task RefuseAsync(HttpContext context, int statusCode, string reason, string metricReason, bool log = true)
    {
        metrics.Rejects.Add(1, new KeyValuePair<string, object?>("grip.reject.reason", metricReason));
        Activity.Current?.SetStatus(ActivityStatusCode.Error, metricReason);
        if (log)
        {
            // The reason may quote request headers (Content-Type, Accept): escaped like the path.
            Log.RequestRefused(logger, SafePath(context.Request), statusCode, GripLogText.Escape(reason, 512)!);
        }

        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = "text/plain; charset=utf-8";
        byte[] bytes = Encoding.UTF8.GetBytes(reason + "\n");
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// A signed-in user's connection joins its user's channel when it opens (after the handler, so a
    /// rejected or closed connection does not), which makes <c>PublishToUserAsync</c> reach it.
    /// </summary>
    private void SubscribeUserChannel(HttpContext context, GripConnection connection)
    {
        if (!connection.IsOpening || connection.IsRejected || connection.IsClosing)
        {
            return;
        }

        var users = UserIds;
        if (users == GripUserIdProvider.Default && (context.Features[typeof(IHttpAuthenticationFeature)] as IHttpAuthenticationFeature)?.User is null)
        {
            // Nobody signed in (no authentication set a user): the default provider has no id for
            // the empty principal that reading the user would create.
            return;
        }

        if (users.GetUserId(connection.User) is { Length: > 0 } userId && !userId.Any(char.IsControl))
        {
            connection.Subscribe(GripChannels.ForUser(userId));
        }
    }
}
