using System.Net;
using System.Net.WebSockets;
using System.Text;
using Grip.EndToEnd.Tests.Infrastructure;
using Grip.Infrastructure;
using Grip.Testing.Pushpin;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Grip.EndToEnd.Tests;

/// <summary>
/// Issue 14 through a real Pushpin 1.36: a hung handler closes only its own connection (1011) while
/// others are served, and a batch whose answers would pass the response limit reaches the client up
/// to a 1009 close instead of Pushpin dropping it.
/// </summary>
public sealed class ReliabilityEndToEndTests(ReliabilityFixture fixture) : IClassFixture<ReliabilityFixture>
{
    [Fact]
    public async Task A_hung_handler_closes_only_its_connection_with_1011_while_other_connections_are_served()
    {
        using var hung = await WebSocketTestClient.ConnectAsync(fixture.Url);
        using var other = await WebSocketTestClient.ConnectAsync(fixture.Url);
        var started = DateTime.UtcNow;
        await hung.SendTextAsync("hang");

        // While the hung request is held (timeout 2 s here), the other connection is served.
        for (int i = 0; i < 5; i++)
        {
            await other.SendTextAsync("hi " + i);
            Assert.Equal("hi " + i, await other.ReceiveTextAsync());
        }

        var close = await hung.ReceiveAsync(TimeSpan.FromSeconds(20));
        Assert.True(close.IsClose, close.ToString());
        Assert.Equal(WebSocketCloseStatus.InternalServerError, close.CloseStatus);
        Assert.Equal("Handler timeout", close.CloseDescription);
        Assert.InRange((DateTime.UtcNow - started).TotalSeconds, 1.5, 20);

        // And still after it.
        await other.SendTextAsync("after");
        Assert.Equal("after", await other.ReceiveTextAsync());
    }

    [Fact]
    public async Task Answers_past_the_response_limit_arrive_up_to_a_1009_close_instead_of_a_dropped_client()
    {
        using var ws = await WebSocketTestClient.ConnectAsync(fixture.Url);
        await ws.SendTextAsync("fill");
        int messages = 0;
        while (true)
        {
            var received = await ws.ReceiveAsync(TimeSpan.FromSeconds(20));
            if (received.IsClose)
            {
                Assert.Equal(WebSocketCloseStatus.MessageTooBig, received.CloseStatus);
                Assert.Equal("Response limit reached", received.CloseDescription);
                break;
            }

            Assert.Equal(ReliabilityHandler.FillMessageBytes, received.Data.Length);
            messages++;
        }

        // Every message that fit the 1,000,000-byte response (less the room for the CLOSE) arrived.
        int each = Grip.Protocol.WebSocketEventWriter.GetEncodedLength(Grip.Protocol.WebSocketEventType.Text, 2 + ReliabilityHandler.FillMessageBytes);
        int closeReserve = Grip.Protocol.WebSocketEventWriter.GetEncodedLength(Grip.Protocol.WebSocketEventType.Close, 125);
        Assert.Equal((GripLimits.MaxResponseBodyBytes - closeReserve) / each, messages);
    }
}

/// <summary>Pushpin in front of an origin whose handler can hang or fill its response; handler timeout 2 s.</summary>
public sealed class ReliabilityFixture : IAsyncLifetime
{
    private PushpinProcess? _pushpin;
    private KestrelOrigin? _origin;

    public Uri Url => new(_pushpin!.ClientUri, "/rel");

    public async Task InitializeAsync()
    {
        int port = PushpinProcess.GetFreePort();
        _pushpin = await PushpinProcess.StartAsync(new PushpinOptions { Targets = [$"127.0.0.1:{port}"] });
        _origin = await KestrelOrigin.StartAsync(
            app => app.MapGripHandler<ReliabilityHandler>("/rel").WithGripHandlerTimeout(TimeSpan.FromSeconds(2)),
            builder => builder.Services.AddGrip(o => o.GripUrl = _pushpin.GripUrl),
            port);
    }

    public async Task DisposeAsync()
    {
        if (_pushpin is not null)
        {
            await _pushpin.DisposeAsync();
        }

        if (_origin is not null)
        {
            await _origin.DisposeAsync();
        }
    }
}

/// <summary>Echo; <c>hang</c> never returns; <c>fill</c> sends 30,000-byte messages until the response is full.</summary>
public sealed class ReliabilityHandler : IGripHandler
{
    public const int FillMessageBytes = 30_000;

    private static readonly string Fill = new('f', FillMessageBytes);

    public static ValueTask DispatchAsync(GripConnection connection, ReadOnlyMemory<byte> events, CancellationToken cancellationToken) =>
        GripDispatcher.DispatchAsync<ReliabilityHandler, Invoker>(connection, events, default, cancellationToken);

    public readonly struct Invoker : IGripHandlerInvoker<ReliabilityHandler>
    {
        public bool HasOpen => false;

        public bool HasClose => false;

        public ValueTask OnOpenAsync(ref ReliabilityHandler? handler, GripConnection connection, CancellationToken cancellationToken) => default;

        // An async method cannot take the handler slot by reference; this invoker never needs the instance.
        public ValueTask OnMessageAsync(ref ReliabilityHandler? handler, GripConnection connection, GripMessage message, CancellationToken cancellationToken) => MessageAsync(connection, message, cancellationToken);

        private static async ValueTask MessageAsync(GripConnection connection, GripMessage message, CancellationToken cancellationToken)
        {
            switch (message.GetText())
            {
                case "hang":
                    await new TaskCompletionSource().Task; // ignores its token on purpose
                    break;
                case "fill":
                    while (true)
                    {
                        connection.Send(Fill); // throws GripLimitExceededException when the response is full
                    }

                default:
                    connection.SendUtf8(message.Data.Span);
                    break;
            }
        }

        public ValueTask OnCloseAsync(ref ReliabilityHandler? handler, GripConnection connection, CloseStatus status, CancellationToken cancellationToken) => default;
    }
}

/// <summary>samples/Echo on its own: /api/broadcast with no proxy reachable, and a hostile close reason in its log.</summary>
public sealed class EchoSampleFailureTests
{
    [Fact]
    public async Task Broadcast_answers_502_with_a_reason_when_the_proxy_is_down()
    {
        int deadPort = PushpinProcess.GetFreePort(); // nothing listens there
        await using var echo = await SampleProcess.StartAsync(
            SampleApp.Echo,
            SampleRuntime.Jit,
            PushpinProcess.GetFreePort(),
            $"http://127.0.0.1:{deadPort}/?iss=pushpin&key=changeme&verify-iss=pushpin",
            new Dictionary<string, string> { ["Grip__Publisher__MaxRetryAttempts"] = "1", ["Grip__Publisher__RetryBaseDelay"] = "00:00:00.05" });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.PostAsync(new Uri(echo.BaseUri, "/api/broadcast"), new StringContent("hello", Encoding.UTF8, "text/plain"));
        string body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.StartsWith("Broadcast not delivered: the GRIP proxy could not be reached", body, StringComparison.Ordinal);
        Assert.False(echo.HasExited);
    }

    [Fact]
    public async Task A_close_reason_with_terminal_escapes_reaches_the_log_escaped()
    {
        await using var echo = await SampleProcess.StartAsync(
            SampleApp.Echo,
            SampleRuntime.Jit,
            PushpinProcess.GetFreePort(),
            "http://127.0.0.1:5561/?iss=pushpin&key=changeme&verify-iss=pushpin");
        string reason = "\u001b[2J\u001b[31mRED\nfake log line";
        byte[] payload = [0x03, 0xe8, .. Encoding.UTF8.GetBytes(reason)];
        byte[] body = [.. Encoding.ASCII.GetBytes($"CLOSE {payload.Length:x}\r\n"), .. payload, .. "\r\n"u8];
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(echo.BaseUri, "/api/websocket")) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/websocket-events");
        request.Headers.Accept.ParseAdd("application/websocket-events");
        request.Headers.TryAddWithoutValidation("Connection-Id", "esc-conn");
        request.Headers.TryAddWithoutValidation("Grip-Sig", TestJwt.Hs256("pushpin", "changeme", DateTimeOffset.UtcNow.AddHours(1)));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        string output = string.Empty;
        for (int i = 0; i < 100 && !output.Contains("esc-conn", StringComparison.Ordinal); i++)
        {
            await Task.Delay(50);
            output = echo.Output;
        }

        Assert.Contains("\\u001b[2J\\u001b[31mRED\\u000afake log line", output, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', output);
    }
}
