using System.Net.WebSockets;
using Grip.EndToEnd.Tests.Infrastructure;
using Grip.Infrastructure;
using Grip.Publishing;
using Grip.Testing.Pushpin;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Grip.EndToEnd.Tests;

/// <summary>
/// A handler whose clients choose their subscription: <c>?sub=channel</c>, <c>&amp;filters=a,b</c>
/// (subscription filters), <c>&amp;user=name</c> (subscription meta <c>user</c>, via set-meta).
/// Written by hand the way the generator writes handlers; it answers "ready" once set up.
/// </summary>
public sealed class FilterChoiceHandler : IGripHandler
{
    public static ValueTask DispatchAsync(GripConnection connection, ReadOnlyMemory<byte> events, CancellationToken cancellationToken) =>
        GripDispatcher.DispatchAsync<FilterChoiceHandler, FilterChoiceInvoker>(connection, events, default, cancellationToken);

    public static void Open(GripConnection c)
    {
        if (c.Request.GetQueryValue("user") is { } user)
        {
            c.SetSubscriptionMeta("user", user);
        }

        if (c.Request.GetQueryValue("sub") is { } channel)
        {
            string[] filters = c.Request.GetQueryValue("filters") is { Length: > 0 } list ? list.Split(',') : [];
            c.Subscribe(channel, filters);
        }

        c.Send("ready");
    }
}

/// <summary>The invoker the generator would emit for <see cref="FilterChoiceHandler"/>.</summary>
public readonly struct FilterChoiceInvoker : IGripHandlerInvoker<FilterChoiceHandler>
{
    public bool HasOpen => true;

    public bool HasClose => false;

    public ValueTask OnOpenAsync(ref FilterChoiceHandler? handler, GripConnection connection, CancellationToken cancellationToken)
    {
        FilterChoiceHandler.Open(connection);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnMessageAsync(ref FilterChoiceHandler? handler, GripConnection connection, GripMessage message, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;

    public ValueTask OnCloseAsync(ref FilterChoiceHandler? handler, GripConnection connection, CloseStatus status, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;
}

/// <summary>The same app twice: behind a real Pushpin, and served by its development proxy.</summary>
public sealed class FilterChoiceFixture : IAsyncLifetime
{
    private PushpinProcess? _pushpin;

    public KestrelOrigin PushpinOrigin { get; private set; } = null!;

    public KestrelOrigin DevelopmentOrigin { get; private set; } = null!;

    public Uri PushpinWs(string pathAndQuery) => new(_pushpin!.ClientUri, pathAndQuery);

    public Uri DevelopmentWs(string pathAndQuery) => new($"ws://127.0.0.1:{DevelopmentOrigin.Port}{pathAndQuery}");

    public async Task InitializeAsync()
    {
        int port = PushpinProcess.GetFreePort();
        _pushpin = await PushpinProcess.StartAsync(new PushpinOptions { Targets = [$"127.0.0.1:{port}"] });
        var pushpin = _pushpin;
        PushpinOrigin = await KestrelOrigin.StartAsync(
            app => app.MapGripHandler<FilterChoiceHandler>("/ws"),
            builder => builder.Services.AddGrip(o => o.GripUrl = pushpin.GripUrl),
            port);
        DevelopmentOrigin = await KestrelOrigin.StartAsync(
            app => app.MapGripHandler<FilterChoiceHandler>("/ws"),
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Grip:DevelopmentProxy:Enabled"] = "true" });
                builder.Services.AddGrip(builder.Configuration);
            });
    }

    public async Task DisposeAsync()
    {
        if (_pushpin is not null)
        {
            await _pushpin.DisposeAsync();
        }

        await PushpinOrigin.DisposeAsync();
        await DevelopmentOrigin.DisposeAsync();
    }
}

/// <summary>
/// Content filters and var-subst, through the real Pushpin (the reference) and the development
/// proxy: what each client received, in order, must be the same.
/// </summary>
public sealed class ContentFilterParityTests(FilterChoiceFixture fixture) : IClassFixture<FilterChoiceFixture>
{
    [Fact]
    public async Task Var_subst_and_content_filters_match_Pushpin()
    {
        var pushpin = await RunAsync(fixture.PushpinWs, fixture.PushpinOrigin);
        var development = await RunAsync(fixture.DevelopmentWs, fixture.DevelopmentOrigin);

        // What Pushpin 1.36 did (the reference), stated so a change in either is visible.
        Assert.Equal(
            [
                "a: text Hello alice",
                "a: text x",
                "a: binary 00FF616C6963650A",
                "a: text marker",
                "b: text plain",
                "b: text x",
                "b: text marker",
            ],
            pushpin);
        Assert.Equal(pushpin, development);
    }

    private static async Task<List<string>> RunAsync(Func<string, Uri> ws, KestrelOrigin origin)
    {
        string channel = "vs-" + Guid.NewGuid().ToString("N");
        var publisher = origin.Services.GetRequiredService<IGripPublisher>();
        using var a = await WebSocketTestClient.ConnectAsync(ws($"/ws?sub={channel}&filters={GripFilters.VarSubst}&user=alice"));
        using var b = await WebSocketTestClient.ConnectAsync(ws($"/ws?sub={channel}"));
        Assert.Equal("ready", await a.ReceiveTextAsync());
        Assert.Equal("ready", await b.ReceiveTextAsync());
        await ProbeUntilSubscribedAsync(publisher, channel, [a, b]);

        Task Publish(WebSocketMessageFormat format) => publisher.PublishAsync(new PublishItem(channel) { WebSocketMessage = format });

        await Publish(WebSocketMessageFormat.FromText("Hello %(user)s").WithContentFilters(GripFilters.VarSubst));
        await Publish(WebSocketMessageFormat.FromText("plain").WithContentFilters());
        await Publish(WebSocketMessageFormat.FromText("x"));
        await Publish(WebSocketMessageFormat.FromText("Hi %(nobody)s").WithContentFilters(GripFilters.VarSubst));
        await Publish(WebSocketMessageFormat.FromBinary((byte[])[0x00, 0xFF, .. "%(user)s\n"u8.ToArray()]).WithContentFilters(GripFilters.VarSubst));
        await Publish(WebSocketMessageFormat.FromText("marker"));

        var transcript = new List<string>();
        foreach (var (name, socket) in new[] { ("a", a), ("b", b) })
        {
            while (true)
            {
                var r = await socket.ReceiveAsync();
                transcript.Add($"{name}: {(r.Type == WebSocketMessageType.Text ? "text " + r.Text : "binary " + Convert.ToHexString(r.Data))}");
                if (r.Type == WebSocketMessageType.Text && r.Text == "marker")
                {
                    break;
                }
            }

            await socket.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(200));
        }

        return transcript;
    }

    /// <summary>Publishes probes (no content filters, no directives) until every socket got one, then drains them.</summary>
    private static async Task ProbeUntilSubscribedAsync(IGripPublisher publisher, string channel, WebSocket[] sockets)
    {
        var seen = new bool[sockets.Length];
        for (int round = 0; round < 50 && seen.Contains(false); round++)
        {
            await publisher.PublishAsync(channel, "probe");
            await Task.WhenAll(sockets.Select(async (ws, i) =>
            {
                try
                {
                    while (true)
                    {
                        var r = await ws.ReceiveAsync(TimeSpan.FromMilliseconds(seen[i] ? 150 : 400));
                        Assert.Equal("probe", r.Text);
                        seen[i] = true;
                    }
                }
                catch (TimeoutException)
                {
                }
            }));
        }

        Assert.DoesNotContain(false, seen);
    }
}
