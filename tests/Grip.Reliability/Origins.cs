using System.Net;
using Grip.Diagnostics;
using Grip.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Grip.Reliability;

/// <summary>An in-process Kestrel origin on 127.0.0.1 with the fault handler (throw, hang, meta).</summary>
public sealed class FaultOrigin : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FaultOrigin(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public Uri BaseUri => new($"http://127.0.0.1:{Port}");

    public static async Task<FaultOrigin> StartAsync(int port, Action<Grip.Hosting.GripOptions> options, TimeSpan? handlerTimeout)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        builder.Services.AddGrip(options);
        var app = builder.Build();
        app.MapGripHandler<FaultHandler>("/ws").WithGripHandlerTimeout(handlerTimeout);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FaultOrigin(app, new Uri(address).Port);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>
/// The smallest echo origin that Pushpin accepts, written by hand without GripHandlers' endpoint or
/// dispatcher (no Grip-Sig check, no limits): OPEN is accepted and subscribed to <c>test</c>, each
/// TEXT echoed with the <c>m:</c> prefix. The soak runs against it too, to tell Pushpin's behaviour
/// from GripHandlers'.
/// </summary>
public static class RawEchoOrigin
{
    public static async Task<WebApplication> StartAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.MapPost("/api/websocket", async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var output = new System.Buffers.ArrayBufferWriter<byte>();
            var reader = new Grip.Protocol.WebSocketEventReader(body.ToArray());
            while (reader.Read(out var e))
            {
                switch (e.Type)
                {
                    case Grip.Protocol.WebSocketEventType.Open:
                        Grip.Protocol.WebSocketEventWriter.WriteEvent(output, Grip.Protocol.WebSocketEventType.Open);
                        Grip.Protocol.WebSocketEventWriter.WriteEvent(output, Grip.Protocol.WebSocketEventType.Text, "c:"u8, """{"type":"subscribe","channel":"test"}"""u8);
                        context.Response.Headers["Sec-WebSocket-Extensions"] = "grip";
                        break;
                    case Grip.Protocol.WebSocketEventType.Text:
                        Grip.Protocol.WebSocketEventWriter.WriteEvent(output, Grip.Protocol.WebSocketEventType.Text, "m:"u8, e.Content.Span);
                        break;
                    case Grip.Protocol.WebSocketEventType.Close:
                        Grip.Protocol.WebSocketEventWriter.WriteEvent(output, Grip.Protocol.WebSocketEventType.Close, e.Content.Span[..Math.Min(2, e.Content.Length)]);
                        break;
                }
            }

            context.Response.Headers.ContentType = "application/websocket-events";
            context.Response.ContentLength = output.WrittenCount;
            await context.Response.Body.WriteAsync(output.WrittenMemory);
        });
        await app.StartAsync();
        return app;
    }
}

/// <summary>
/// Echo; <c>throw</c> throws, <c>hang</c> never returns (ignoring its token), <c>meta</c> answers the
/// connection meta it was given (<c>Meta-*</c> headers are trusted only on signed requests).
/// </summary>
public sealed class FaultHandler : IGripHandler
{
    public static ValueTask DispatchAsync(GripConnection connection, ReadOnlyMemory<byte> events, CancellationToken cancellationToken) =>
        GripDispatcher.DispatchAsync<FaultHandler, Invoker>(connection, events, default, cancellationToken);

    public readonly struct Invoker : IGripHandlerInvoker<FaultHandler>
    {
        public bool HasOpen => false;

        public bool HasClose => false;

        public ValueTask OnOpenAsync(ref FaultHandler? handler, GripConnection connection, CancellationToken cancellationToken) => default;

        // An async method cannot take the handler slot by reference; this invoker never needs the instance.
        public ValueTask OnMessageAsync(ref FaultHandler? handler, GripConnection connection, GripMessage message, CancellationToken cancellationToken) => MessageAsync(connection, message, cancellationToken);

        private static async ValueTask MessageAsync(GripConnection connection, GripMessage message, CancellationToken cancellationToken)
        {
            string text = message.GetText();
            switch (text)
            {
                case "throw":
                    throw new InvalidOperationException("handler bug (expected by the fault scenario)");
                case "hang":
                    await new TaskCompletionSource().Task;
                    break;
                case "meta":
                    connection.Send("meta:" + string.Join(",", connection.Meta.Values.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + GripLogText.Escape(p.Value))));
                    break;
                default:
                    connection.Send(text);
                    break;
            }
        }

        public ValueTask OnCloseAsync(ref FaultHandler? handler, GripConnection connection, CloseStatus status, CancellationToken cancellationToken) => default;
    }
}
