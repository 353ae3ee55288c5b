using System.Net.WebSockets;
using Grip.Hosting;
using Grip.Hosting.Development;
using Grip.Infrastructure;
using Grip.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Grip.DevelopmentProxy.Tests;

/// <summary>
/// A handler written by hand against the runtime contract (the generator is tested elsewhere):
/// subscribes to "room" with skip-self, echoes text, rejects "?reject=1", closes on "close-me".
/// </summary>
/// <summary>
/// The test classes that drive <see cref="EchoHandler"/> count its closes in one static list, so they
/// run one after the other: a parallel class's disconnect would otherwise be counted as ours.
/// </summary>
[CollectionDefinition(Name)]
public sealed class EchoHandlerState
{
    public const string Name = "EchoHandler state";
}

internal sealed class EchoHandler
{
    public static readonly List<string> Closes = [];

    /// <summary>How many events each WebSocket-over-HTTP request carried, in arrival order.</summary>
    public static readonly List<int> BatchSizes = [];
}

internal readonly struct EchoInvoker : IGripHandlerInvoker<EchoHandler>
{
    public bool HasOpen => true;

    public bool HasClose => true;

    public ValueTask OnOpenAsync(ref EchoHandler? handler, GripConnection connection, CancellationToken cancellationToken)
    {
        if (connection.Request.GetQueryValue("reject") == "1")
        {
            connection.Reject(401, "no token");
            return ValueTask.CompletedTask;
        }

        if (connection.RequestedSubprotocols.Contains("chat.v1"))
        {
            connection.AcceptSubprotocol("chat.v1");
        }

        connection.Meta.Set("user", "u-" + connection.Id[..8]);
        connection.Subscribe("room", GripFilters.SkipSelf);
        connection.Send("welcome");
        return ValueTask.CompletedTask;
    }

    // An async method cannot take the handler slot by reference; this invoker never needs the instance.
    public ValueTask OnMessageAsync(ref EchoHandler? handler, GripConnection connection, GripMessage message, CancellationToken cancellationToken) => MessageAsync(connection, message, cancellationToken);

    private static async ValueTask MessageAsync(GripConnection connection, GripMessage message, CancellationToken cancellationToken)
    {
        if (!message.IsText)
        {
            connection.SendBinary(message.Data.Span);
            return;
        }

        string text = message.GetText();
        switch (text)
        {
            case "keepalive":
                connection.SetKeepAlive(GripFrameContent.FromText("still here"), timeoutSeconds: 1);
                connection.Send("keepalive on");
                break;
            case "delayed":
                connection.SendDelayed(GripFrameContent.FromText("later"), timeoutSeconds: 1);
                break;
            case "detach":
                connection.Detach();
                connection.Send("detached");
                break;
            case "slow":
                await Task.Delay(700, cancellationToken);
                connection.Send("slow done");
                break;
            case "close-me":
                connection.Close(4001, "bye now");
                break;
            case "varsubst":
                connection.SetSubscriptionMeta("user", "alice");
                connection.Subscribe("vs", GripFilters.VarSubst);
                connection.Send("varsubst on");
                break;
            case "whoami":
                connection.Send("meta:" + connection.Meta["user"]);
                break;
            case "":
                connection.Send("empty");
                break;
            default:
                if (text.StartsWith("others:", StringComparison.Ordinal))
                {
                    await connection.PublishToOthersAsync("room", text[7..], cancellationToken);
                }
                else
                {
                    connection.Send("echo:" + text);
                }

                break;
        }
    }

    public ValueTask OnCloseAsync(ref EchoHandler? handler, GripConnection connection, CloseStatus status, CancellationToken cancellationToken)
    {
        lock (EchoHandler.Closes)
        {
            EchoHandler.Closes.Add(status.ToString());
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>A real Kestrel app on a free loopback port with the development proxy in front of the handler.</summary>
internal sealed class ProxiedEchoOrigin : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ProxiedEchoOrigin(WebApplication app, FakeLogCollector logs)
    {
        _app = app;
        Logs = logs;
    }

    public Uri HttpAddress { get; private set; } = new("http://127.0.0.1");

    public Uri WebSocketUri(string pathAndQuery) => new("ws://" + HttpAddress.Authority + pathAndQuery);

    public IGripPublisher Publisher => _app.Services.GetRequiredService<IGripPublisher>();

    /// <summary>The app's services.</summary>
    public IServiceProvider Services => _app.Services;

    public List<string> SeenHeaders { get; } = [];

    /// <summary>What the app logged.</summary>
    public FakeLogCollector Logs { get; }

    /// <summary>Starts the app; <paramref name="time"/> replaces the clock the development proxy's timers run on.</summary>
    public static async Task<ProxiedEchoOrigin> StartAsync(TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var logs = new FakeLogCollector();
        builder.Logging.AddProvider(new FakeLoggerProvider(logs));
        builder.Services.AddGripDevelopmentProxy(o => o.Enabled = true);
        builder.Services.AddGripDevelopmentPublisher();
        var app = builder.Build();
        var origin = new ProxiedEchoOrigin(app, logs);
        app.Services.GetRequiredService<GripDevelopmentProxyPaths>().Add("/ws");
        app.MapPost("/ws", async (HttpContext context) =>
        {
            lock (origin.SeenHeaders)
            {
                origin.SeenHeaders.Add(context.Request.Headers["Grip-Sig"].ToString() + "|" + context.Request.Headers["Connection-Id"] + "|" + context.Request.Headers["Meta-user"]);
            }

            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            int events = 0;
            var counter = new Grip.Protocol.WebSocketEventReader(body.ToArray());
            while (counter.Read(out _))
            {
                events++;
            }

            lock (EchoHandler.BatchSizes)
            {
                EchoHandler.BatchSizes.Add(events);
            }

            if (body.ToArray().AsSpan().IndexOf("TEXT 4\r\nhuge"u8) >= 0)
            {
                // A hand-made response over Pushpin's 1,000,000-byte limit (GripConnection would refuse to write it).
                context.Response.Headers.ContentType = "application/websocket-events";
                var huge = new System.Text.StringBuilder().Append("TEXT f4242\r\nm:").Append('x', 1_000_000).Append("\r\n").ToString();
                await context.Response.WriteAsync(huge, context.RequestAborted);
                return;
            }

            if (body.ToArray().AsSpan().IndexOf("TEXT b\r\nbad-control"u8) >= 0)
            {
                // A hand-made invalid control message (GripConnection refuses to write one), then a message.
                context.Response.Headers.ContentType = "application/websocket-events";
                await context.Response.WriteAsync("TEXT 12\r\nc:{\"type\":\"bogus\"}\r\nTEXT a\r\nm:bad sent\r\n", context.RequestAborted);
                return;
            }

            var meta = new GripMeta(context.Request.Headers
                .Where(h => h.Key.StartsWith("Meta-", StringComparison.OrdinalIgnoreCase))
                .Select(h => new KeyValuePair<string, string>(h.Key[5..], h.Value.ToString())));
            var answer = new GripResponse();
            using var connection = new GripConnection(context.Request.Headers["Connection-Id"].ToString(), new HttpGripRequest(context.Request), context.RequestServices, meta, answer);
            await GripDispatcher.DispatchAsync<EchoHandler, EchoInvoker>(connection, body.ToArray(), default, context.RequestAborted);
            if (answer.IsRejected)
            {
                context.Response.StatusCode = answer.RejectStatusCode!.Value;
                await context.Response.WriteAsync(answer.RejectBody ?? string.Empty, context.RequestAborted);
                return;
            }

            context.Response.Headers.ContentType = "application/websocket-events";
            if (connection.IsOpening)
            {
                context.Response.Headers["Sec-WebSocket-Extensions"] = "grip";
                if (answer.Subprotocol is { } p)
                {
                    context.Response.Headers["Sec-WebSocket-Protocol"] = p;
                }
            }

            foreach (var change in connection.Meta.Changes)
            {
                context.Response.Headers["Set-Meta-" + change.Key] = change.Value ?? string.Empty;
            }

            await context.Response.Body.WriteAsync(answer.Events, context.RequestAborted);
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        origin.HttpAddress = new Uri(address);
        return origin;
    }

    public static async Task<ClientWebSocket> ConnectAsync(Uri uri, params string[] subprotocols)
    {
        var client = new ClientWebSocket();
        foreach (string p in subprotocols)
        {
            client.Options.AddSubProtocol(p);
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.ConnectAsync(uri, cts.Token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
