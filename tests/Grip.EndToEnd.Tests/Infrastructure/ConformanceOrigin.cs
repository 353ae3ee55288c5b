using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Grip.Hosting;
using Grip.Infrastructure;
using Grip.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Grip.EndToEnd.Tests.Infrastructure;

/// <summary>What the conformance origin saw for one connection (keyed by the client's <c>?tag=</c>).</summary>
public sealed class ConnectionRecord
{
    private readonly TaskCompletionSource<CloseStatus> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<Exception> Faults { get; } = new();

    public ConcurrentQueue<string> RequestBodies { get; } = new();

    public string? ConnectionId { get; set; }

    public Task<CloseStatus> Closed => _closed.Task;

    public void SetClosed(CloseStatus status) => _closed.TrySetResult(status);
}

/// <summary>Shared between the origin and the tests.</summary>
public sealed class OriginProbe
{
    private readonly ConcurrentDictionary<string, ConnectionRecord> _records = new(StringComparer.Ordinal);

    public ConnectionRecord For(string tag) => _records.GetOrAdd(tag, _ => new ConnectionRecord());

    public static string NewTag() => Guid.NewGuid().ToString("N");
}

/// <summary>
/// The handler behind the conformance origin. Text commands drive what it does; anything else is
/// echoed. Behaviour on open comes from the query string.
/// </summary>
public sealed class ConformanceHandler(OriginProbe probe) : IGripHandler
{
    /// <summary>
    /// What the generator would emit, written by hand: the lifecycle loop with <see cref="ConformanceInvoker"/>.
    /// Afterwards the faults the dispatcher recorded in the response are handed to the probe, so tests can
    /// see them under either host (reading the host's response through the internal connection.Response).
    /// </summary>
    public static async ValueTask DispatchAsync(GripConnection connection, ReadOnlyMemory<byte> events, CancellationToken cancellationToken)
    {
        await GripDispatcher.DispatchAsync<ConformanceHandler, ConformanceInvoker>(connection, events, default, cancellationToken);
        if (connection.Request.GetQueryValue("tag") is { } tag)
        {
            var record = connection.Services.GetRequiredService<OriginProbe>().For(tag);
            foreach (var fault in connection.Response.Faults)
            {
                record.Faults.Enqueue(fault);
            }
        }
    }

    public OriginProbe Probe { get; } = probe;

    public void Open(GripConnection c)
    {
        if (c.Request.GetQueryValue("reject") is { } status)
        {
            c.Reject(int.Parse(status, CultureInfo.InvariantCulture), "rejected by test origin");
            return;
        }

        if (c.Request.GetQueryValue("throw-on-open") is not null)
        {
            throw new InvalidOperationException("secret exception text");
        }

        if (c.Request.GetQueryValue("protocol") is { } protocol)
        {
            c.AcceptSubprotocol(protocol);
        }

        if (c.Request.GetQueryValue("sub") is { } channel)
        {
            c.Subscribe(channel);
        }

        if (c.Request.GetQueryValue("room") is { } room)
        {
            c.Subscribe(room, GripFilters.SkipSelf);
        }

        if (c.Request.GetQueryValue("meta") is { } meta)
        {
            c.Meta["Tag"] = meta;
        }

        if (c.Request.GetQueryValue("welcome") is not null)
        {
            c.Send("welcome " + c.Id);
        }
    }

    public async ValueTask Message(GripConnection c, GripMessage message)
    {
        if (!message.IsText && message.Data.Length > GripLimits.MaxReplyPayloadBytes)
        {
            // Too big to echo in a reply: report what arrived instead.
            c.Send($"received {message.Data.Length} bytes, first {message.Data.Span[0]:x2} last {message.Data.Span[^1]:x2}");
            return;
        }

        if (!message.IsText)
        {
            c.SendBinary(message.Data.Span);
            return;
        }

        string text = message.GetText();
        string[] parts = text.Split(':', 3);
        switch (parts[0])
        {
            case "size":
                // Exactly N payload bytes back (multi-byte safe: ASCII only).
                c.Send(new string('x', int.Parse(parts[1], CultureInfo.InvariantCulture)));
                break;
            case "close":
                c.Close(int.Parse(parts[1], CultureInfo.InvariantCulture), parts.Length > 2 ? parts[2] : null);
                break;
            case "disconnect":
                c.Disconnect();
                break;
            case "meta":
                c.Send("meta=" + (c.Meta["Tag"] ?? "<none>"));
                break;
            case "others":
                await c.PublishToOthersAsync(parts[1], parts[2]);
                break;
            case "throw":
                throw new InvalidOperationException("secret exception text");
            case "ping":
                c.Ping(Encoding.UTF8.GetBytes(parts[1]));
                break;
            default:
                c.SendUtf8(message.Data.Span);
                break;
        }
    }

    public void Close(GripConnection c, CloseStatus status)
    {
        if (c.Request.GetQueryValue("tag") is { } tag)
        {
            Probe.For(tag).SetClosed(status);
        }
    }
}

/// <summary>The invoker the generator would emit for <see cref="ConformanceHandler"/>, written by hand.</summary>
public readonly struct ConformanceInvoker : IGripHandlerInvoker<ConformanceHandler>
{
    public bool HasOpen => true;

    public bool HasClose => true;

    // Created on first use in the batch, as the generated invoker does for instance methods.
    private static ConformanceHandler Create(IServiceProvider services) => new(services.GetRequiredService<OriginProbe>());

    public ValueTask OnOpenAsync(ref ConformanceHandler? handler, GripConnection connection, CancellationToken cancellationToken)
    {
        (handler ??= Create(connection.Services)).Open(connection);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnMessageAsync(ref ConformanceHandler? handler, GripConnection connection, GripMessage message, CancellationToken cancellationToken) =>
        (handler ??= Create(connection.Services)).Message(connection, message);

    public ValueTask OnCloseAsync(ref ConformanceHandler? handler, GripConnection connection, CloseStatus status, CancellationToken cancellationToken)
    {
        (handler ??= Create(connection.Services)).Close(connection, status);
        return ValueTask.CompletedTask;
    }
}

/// <summary>The minimal WebSocket-over-HTTP endpoint of the conformance origin.</summary>
public static class ConformanceEndpoint
{
    public const string EventsContentType = "application/websocket-events";

    public static void Map(WebApplication app)
    {
        app.Use(RecordAsync);
        app.MapPost("/{**path}", HandleAsync);
    }

    /// <summary>Records every request body and connection id per <c>?tag=</c>, before the endpoint reads it.</summary>
    public static async Task RecordAsync(HttpContext context, Func<Task> next)
    {
        var request = context.Request;
        if (HttpMethods.IsPost(request.Method) && request.Query["tag"].ToString() is { Length: > 0 } tag)
        {
            request.EnableBuffering();
            using var copy = new MemoryStream();
            await request.Body.CopyToAsync(copy, context.RequestAborted);
            request.Body.Position = 0;
            var record = context.RequestServices.GetRequiredService<OriginProbe>().For(tag);
            record.ConnectionId = request.Headers["Connection-Id"];
            record.RequestBodies.Enqueue(Convert.ToHexString(copy.GetBuffer(), 0, (int)copy.Length));
        }

        await next();
    }

    public static void AddServices(IServiceCollection services, OriginProbe probe, Func<IGripPublisher> publisher)
    {
        services.AddSingleton(probe);
        services.AddSingleton(_ => publisher());
    }

    private static async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (!string.Equals(request.ContentType, EventsContentType, StringComparison.Ordinal))
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        string? id = request.Headers["Connection-Id"];
        if (string.IsNullOrEmpty(id))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.RequestAborted);
        var events = body.GetBuffer().AsMemory(0, (int)body.Length);

        var meta = new List<KeyValuePair<string, string>>();
        foreach (var header in request.Headers)
        {
            if (header.Key.StartsWith("Meta-", StringComparison.OrdinalIgnoreCase))
            {
                meta.Add(new(header.Key["Meta-".Length..], header.Value.ToString()));
            }
        }

        var answer = new GripResponse();
        using var connection = new GripConnection(id, new HttpGripRequest(request), context.RequestServices, new GripMeta(meta), answer);
        try
        {
            await ConformanceHandler.DispatchAsync(connection, events, context.RequestAborted);
        }
        catch (WebSocketFormatException ex)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync(ex.Message);
            return;
        }

        var response = context.Response;
        if (answer.IsRejected)
        {
            response.StatusCode = answer.RejectStatusCode!.Value;
            response.ContentType = "text/plain";
            await response.WriteAsync(answer.RejectBody ?? string.Empty);
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;

        // Exactly this string: Pushpin treats any parameter (charset) as a failure.
        response.Headers.ContentType = EventsContentType;
        if (connection.IsOpening)
        {
            response.Headers["Sec-WebSocket-Extensions"] = "grip";
            if (answer.Subprotocol is { } protocol)
            {
                response.Headers["Sec-WebSocket-Protocol"] = protocol;
            }
        }

        foreach (var change in connection.Meta.Changes)
        {
            response.Headers["Set-Meta-" + change.Key] = change.Value ?? string.Empty;
        }

        if (answer.KeepAliveIntervalChanged)
        {
            response.Headers["Keep-Alive-Interval"] = answer.KeepAliveInterval is { } interval
                ? ((int)interval.TotalSeconds).ToString(CultureInfo.InvariantCulture)
                : "0";
        }

        response.ContentLength = answer.Events.Length;
        await response.Body.WriteAsync(answer.Events, context.RequestAborted);
    }
}
