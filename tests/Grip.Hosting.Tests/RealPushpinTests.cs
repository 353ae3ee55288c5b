using System.Net.WebSockets;
using System.Text;
using Grip.Hosting.Tests.Infrastructure;
using Grip.Publishing;
using Grip.Testing.Pushpin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Grip.Hosting.Tests;

/// <summary>
/// Hosting and the publisher against a real Pushpin 1.36: real Grip-Sig tokens, the real
/// WebSocket-over-HTTP exchange and the real publish endpoint.
/// </summary>
public sealed class RealPushpinTests : IAsyncLifetime
{
    private PushpinProcess? _pushpin;
    private WebApplication? _origin;
    private HandlerProbe _probe = new();

    private PushpinProcess Pushpin => _pushpin!;

    private IGripPublisher Publisher => _origin!.Services.GetRequiredService<IGripPublisher>();

    public async Task InitializeAsync()
    {
        int originPort = FakeProxy.UnusedPort();
        _pushpin = await PushpinProcess.StartAsync(new PushpinOptions { Targets = [$"127.0.0.1:{originPort}"] });
        _origin = await StartOriginAsync(originPort, Pushpin.GripUrl, _probe);
    }

    public async Task DisposeAsync()
    {
        if (_origin is not null)
        {
            await _origin.StopAsync();
            await _origin.DisposeAsync();
        }

        if (_pushpin is not null)
        {
            await _pushpin.DisposeAsync();
        }
    }

    private static async Task<WebApplication> StartOriginAsync(int port, string gripUrl, HandlerProbe probe)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GRIP_URL"] = gripUrl,
            ["Grip:Publisher:RetryBaseDelay"] = "00:00:00.050",
        });
        builder.WebHost.UseKestrel().UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(probe);
        builder.Services.AddGrip(builder.Configuration);
        var app = builder.Build();
        probe.OnOpen = c =>
        {
            c.Subscribe("room");
            c.SubscribeToOwnChannel();
            c.Subscribe("others", Grip.GripFilters.SkipSelf);
            c.Meta.Set("User", "alice");
            probe.Calls.Enqueue("id:" + c.Id);
        };
        app.MapGripHandler<ProbeHandler>("/ws");
        await app.StartAsync();
        return app;
    }

    /// <summary>
    /// Connects through Pushpin. On this shared 2-core machine the first proxied request can be lost
    /// while everything is still cold (toolchain.md); one handshake failure is retried, with the
    /// error kept for the message if the retries fail too.
    /// </summary>
    private async Task<ClientWebSocket> ConnectAsync()
    {
        var errors = new List<string>();
        for (int attempt = 0; attempt < 3; attempt++)
        {
            var socket = new ClientWebSocket();
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                await socket.ConnectAsync(new Uri(Pushpin.ClientUri, "/ws"), cts.Token);
                return socket;
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                errors.Add(ex.Message);
                socket.Dispose();
            }
        }

        throw new InvalidOperationException("Could not connect through Pushpin: " + string.Join(" | ", errors) + "\n" + Pushpin.Describe());
    }

    private static async Task<string> ReceiveTextAsync(ClientWebSocket socket, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cts.Token);
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return result.MessageType == WebSocketMessageType.Close ? "<close>" : Encoding.UTF8.GetString(message.ToArray());
            }
        }
    }

    [Fact]
    public async Task Signed_round_trip_through_pushpin_and_publish_to_channel_and_connection()
    {
        using var socket = await ConnectAsync();
        await socket.SendAsync("hello"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        Assert.Equal("echo:hello", await ReceiveTextAsync(socket, TimeSpan.FromSeconds(10)));
        Assert.Contains("open", _probe.Calls);

        // Set-Meta-User on the OPEN response came back from Pushpin as Meta-User on a signed request.
        Assert.Equal("alice", _probe.LastMeta!["user"]);

        // The echo came back after OPEN's subscriptions were applied: publishing now reaches the client.
        await Publisher.PublishAsync("room", "broadcast");
        Assert.Equal("broadcast", await ReceiveTextAsync(socket, TimeSpan.FromSeconds(10)));

        string id = _probe.Calls.First(c => c.StartsWith("id:", StringComparison.Ordinal))[3..];
        await Publisher.PublishToConnectionAsync(id, "direct");
        Assert.Equal("direct", await ReceiveTextAsync(socket, TimeSpan.FromSeconds(10)));

        await Publisher.PublishBinaryAsync("room", new byte[] { 1, 2, 3 });
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            var buffer = new byte[16];
            var result = await socket.ReceiveAsync(buffer, cts.Token);
            Assert.Equal(WebSocketMessageType.Binary, result.MessageType);
            Assert.Equal(new byte[] { 1, 2, 3 }, buffer[..result.Count]);
        }

        await Publisher.PublishCloseAsync("room", 4001, "pubclose");
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            var result = await socket.ReceiveAsync(new byte[16], cts.Token);
            Assert.Equal(WebSocketMessageType.Close, result.MessageType);
            Assert.Equal((WebSocketCloseStatus)4001, socket.CloseStatus);
            Assert.Equal("pubclose", socket.CloseStatusDescription);
        }
    }

    [Fact]
    public async Task Publish_to_others_skips_the_sender_in_one_call()
    {
        _probe.OnMessage = async (c, m) => await c.PublishToOthersAsync("others", m.GetText());
        using var a = await ConnectAsync();
        using var b = await ConnectAsync();

        // Make sure both handshakes (and their subscriptions) are done: each gets its own direct message.
        var ids = _probe.Calls.Where(x => x.StartsWith("id:", StringComparison.Ordinal)).Select(x => x[3..]).ToArray();
        Assert.Equal(2, ids.Length);
        foreach (string id in ids)
        {
            await Publisher.PublishToConnectionAsync(id, "ready");
        }

        Assert.Equal("ready", await ReceiveTextAsync(a, TimeSpan.FromSeconds(10)));
        Assert.Equal("ready", await ReceiveTextAsync(b, TimeSpan.FromSeconds(10)));

        await a.SendAsync("from-a"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        Assert.Equal("from-a", await ReceiveTextAsync(b, TimeSpan.FromSeconds(10)));
        await b.SendAsync("from-b"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);

        // Had the skip-self filter failed, "from-a" would arrive at a before "from-b".
        Assert.Equal("from-b", await ReceiveTextAsync(a, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Pushpin_accepts_every_format_the_publisher_writes()
    {
        // Several items of every format in one request; Pushpin answers 400 to anything it cannot read.
        await Publisher.PublishAsync(
        [
            new PublishItem("a") { Id = "1", WebSocketMessage = WebSocketMessageFormat.FromText("t") },
            new PublishItem("a") { Id = "2", PrevId = "1", Meta = new Dictionary<string, string> { ["sender"] = "x" }, WebSocketMessage = WebSocketMessageFormat.FromBinary(new byte[] { 0, 1 }) },
            new PublishItem("a") { WebSocketMessage = WebSocketMessageFormat.Ping("p"u8.ToArray()) },
            new PublishItem("a") { WebSocketMessage = WebSocketMessageFormat.Pong() },
            new PublishItem("a") { WebSocketMessage = WebSocketMessageFormat.CloseConnection(4000, "bye") },
            new PublishItem("s") { HttpStream = HttpStreamFormat.FromText("line\n") },
            new PublishItem("s") { HttpStream = HttpStreamFormat.CloseStream() },
            new PublishItem("r") { HttpResponse = new HttpResponseFormat(ReadOnlyMemory<byte>.Empty) { Code = 204, Headers = [new("X-A", "b")] } },
            new PublishItem("a") { NoSequence = true, Size = 1, WebSocketMessage = WebSocketMessageFormat.FromText("n").WithContentFilters(Grip.GripFilters.VarSubst) },
            new PublishItem("s") { Size = 0, HttpStream = HttpStreamFormat.FromText("x").WithContentFilters() },
            new PublishItem("s") { HttpStream = HttpStreamFormat.Hint().WithContentFilters(Grip.GripFilters.BuildId) },
            new PublishItem("r") { HttpResponse = HttpResponseFormat.Hint() },
            new PublishItem("r") { HttpResponse = HttpResponseFormat.FromText("b").WithContentFilters(Grip.GripFilters.BuildId, Grip.GripFilters.VarSubst) },
        ]);
    }

    [Fact]
    public async Task No_seq_size_and_content_filters_reach_or_skip_a_subscriber_as_pushpin_decides()
    {
        using var socket = await ConnectAsync();
        await socket.SendAsync("hello"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        Assert.Equal("echo:hello", await ReceiveTextAsync(socket, TimeSpan.FromSeconds(10)));

        // "room" was subscribed without filters: a format written for var-subst must skip it, one
        // for subscriptions without content filters (empty list) or with no list at all reaches it.
        await Publisher.PublishAsync([new PublishItem("room") { WebSocketMessage = WebSocketMessageFormat.FromText("for var-subst %(user)s").WithContentFilters(Grip.GripFilters.VarSubst) }]);
        await Publisher.PublishAsync([new PublishItem("room") { NoSequence = true, Size = 6, WebSocketMessage = WebSocketMessageFormat.FromText("no-seq") }]);
        await Publisher.PublishAsync([new PublishItem("room") { WebSocketMessage = WebSocketMessageFormat.FromText("plain only").WithContentFilters() }]);
        Assert.Equal("no-seq", await ReceiveTextAsync(socket, TimeSpan.FromSeconds(10)));
        Assert.Equal("plain only", await ReceiveTextAsync(socket, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Origin_with_another_key_refuses_pushpin_and_no_handler_runs()
    {
        var probe = new HandlerProbe();
        int port = FakeProxy.UnusedPort();
        await using var other = await PushpinProcess.StartAsync(new PushpinOptions { Targets = [$"127.0.0.1:{port}"] });
        string wrongUrl = other.ControlUri + "?iss=" + Uri.EscapeDataString(other.SigIssuer) + "&key=not-the-key";
        var origin = await StartOriginAsync(port, wrongUrl, probe);
        try
        {
            using var socket = new ClientWebSocket();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            var ex = await Assert.ThrowsAnyAsync<WebSocketException>(() => socket.ConnectAsync(new Uri(other.ClientUri, "/ws"), cts.Token));
            Assert.Contains("401", ex.Message + ex.InnerException?.Message, StringComparison.Ordinal);
            Assert.Empty(probe.Calls);
        }
        finally
        {
            await origin.StopAsync();
            await origin.DisposeAsync();
        }
    }
}
