using System.Net;
using System.Net.WebSockets;
using System.Text;
using Grip.EndToEnd.Tests.Infrastructure;
using Grip.Infrastructure;

namespace Grip.EndToEnd.Tests;

/// <summary>The conformance suite against the bare Grip.Abstractions endpoint.</summary>
public sealed class RawEndpointConformanceTests(RawEndpointFixture fixture) : ProtocolConformanceTests<RawEndpointFixture>(fixture);

/// <summary>The conformance suite against Grip.Hosting's MapGripHandler endpoint (signed requests, hosting's publisher).</summary>
public sealed class HostingEndpointConformanceTests(HostingEndpointFixture fixture) : ProtocolConformanceTests<HostingEndpointFixture>(fixture);

/// <summary>
/// Our bytes against the real Pushpin 1.36: a Kestrel origin that runs <see cref="GripDispatcher"/>
/// and <see cref="GripConnection"/>, real WebSocket clients through the proxy.
/// </summary>
public abstract class ProtocolConformanceTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ConformanceFixture
{
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData("hello")]
    [InlineData("héllo ✓ 日本語 🎉")]
    [InlineData("c:{\"type\":\"subscribe\",\"channel\":\"x\"}")]
    [InlineData("m:starts with the prefix")]
    public async Task Text_is_echoed_byte_for_byte(string text)
    {
        using var ws = await WebSocketTestClient.ConnectAsync(fixture.Url(out _));
        await ws.SendTextAsync(text);
        var r = await ws.ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Text, r.Type);
        Assert.Equal(Encoding.UTF8.GetBytes(text), r.Data);
    }

    [Fact]
    public async Task Binary_with_every_byte_value_is_echoed()
    {
        byte[] data = Enumerable.Range(0, 256).Select(i => (byte)i).Concat("\r\nTEXT 5\r\n"u8.ToArray()).ToArray();
        using var ws = await WebSocketTestClient.ConnectAsync(fixture.Url(out _));
        await ws.SendBinaryAsync(data);
        var r = await ws.ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Binary, r.Type);
        Assert.Equal(data, r.Data);
    }

    [Fact]
    public async Task Empty_text_and_empty_binary_are_echoed_as_empty_messages()
    {
        using var ws = await WebSocketTestClient.ConnectAsync(fixture.Url(out string tag));
        await ws.SendTextAsync(string.Empty);
        var text = await ws.ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Text, text.Type);
        Assert.Empty(text.Data);

        await ws.SendBinaryAsync([]);
        var binary = await ws.ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Binary, binary.Type);
        Assert.Empty(binary.Data);

        // Pushpin sends an empty message as an event without content ("TEXT\r\n").
        Assert.Contains(Convert.ToHexString("TEXT\r\n"u8), fixture.Probe.For(tag).RequestBodies);
    }

    [Fact]
    public async Task Messages_sent_quickly_arrive_in_order_even_when_batched()
    {
        using var ws = await WebSocketTestClient.ConnectAsync(fixture.Url(out _));
        for (int i = 0; i < 20; i++)
        {
            await ws.SendTextAsync("msg" + i);
        }

        for (int i = 0; i < 20; i++)
        {
            Assert.Equal("msg" + i, await ws.ReceiveTextAsync());
        }
    }

    [Fact]
    public async Task A_large_client_message_reaches_the_origin()
    {
        // 150,000 bytes: well under Pushpin's ~200,000-byte client buffer; the reply describes it.
        using var ws = await WebSocketTestClient.ConnectAsync(fixture.Url(out _));
        byte[] big = new byte[150_000];
        big.AsSpan().Fill(0x42);
        big[0] = 0x01;
        big[^1] = 0xFE;
        await ws.SendBinaryAsync(big);
        Assert.Equal("received 150000 bytes, first 01 last fe", await ws.ReceiveTextAsync());
    }

    [Fact]
    public async Task The_largest_reply_Pushpin_delivers_arrives_intact()
    {
        using var ws = await WebSocketTestClient.ConnectAsync(fixture.Url(out string tag));
        await ws.SendTextAsync($"size:{GripLimits.MaxReplyPayloadBytes}");
        string reply = await ws.ReceiveTextAsync();
        Assert.Equal(32_766, reply.Length);
        Assert.All(reply, c => Assert.Equal('x', c));
        Assert.Empty(fixture.Probe.For(tag).Faults);
    }

    [Fact]
    public async Task One_byte_more_is_refused_loudly_instead_of_vanishing()
    {
        // Pushpin 1.36 silently never delivers a 32,767-byte reply. GripConnection refuses to write
        // it: the handler's exception is recorded and the client gets 1011, not silence.
        using var ws = await WebSocketTestClient.ConnectAsync(fixture.Url(out string tag));
        await ws.SendTextAsync($"size:{GripLimits.MaxReplyPayloadBytes + 1}");
        var r = await ws.ReceiveAsync();
        Assert.True(r.IsClose, $"expected a close, got {r}");
        Assert.Equal(WebSocketCloseStatus.InternalServerError, r.CloseStatus);
        Assert.Equal(GripDispatcher.InternalErrorReason, r.CloseDescription);
        var fault = Assert.Single(fixture.Probe.For(tag).Faults);
        var limit = Assert.IsType<GripLimitExceededException>(fault);
        // The message names the size that was refused and the limit.
        Assert.Contains("32767", limit.Message, StringComparison.Ordinal);
        Assert.Contains(GripLimits.MaxReplyPayloadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), limit.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ping_is_answered_with_a_pong_carrying_the_same_payload()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var raw = await RawWebSocket.ConnectAsync(fixture.Url(out string tag), cts.Token);
        byte[] payload = "pingdata-é"u8.ToArray();
        await raw.SendFrameAsync(RawWebSocket.OpPing, payload, cts.Token);
        var frame = await raw.ReadFrameAsync(cts.Token);
        Assert.Equal(RawWebSocket.OpPong, frame.Opcode);
        Assert.True(frame.Fin);
        Assert.Equal(payload, frame.Payload);

        // The origin (not the proxy) answered: it saw the PING event.
        Assert.Contains(Convert.ToHexString("PING b\r\npingdata-é\r\n"u8), fixture.Probe.For(tag).RequestBodies);
    }

    [Fact]
    public async Task A_ping_from_the_origin_reaches_the_client()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var raw = await RawWebSocket.ConnectAsync(fixture.Url(out _), cts.Token);
        await raw.SendFrameAsync(RawWebSocket.OpText, "ping:from-origin"u8.ToArray(), cts.Token);
        var frame = await raw.ReadFrameAsync(cts.Token);
        Assert.Equal(RawWebSocket.OpPing, frame.Opcode);
        Assert.Equal("from-origin"u8.ToArray(), frame.Payload);
    }

    [Fact]
    public async Task Client_close_code_and_reason_reach_OnClose_and_the_code_is_echoed()
    {
        using var ws = await WebSocketTestClient.ConnectAsync(fixture.Url(out string tag));
        await ws.CloseAsync((WebSocketCloseStatus)4000, "bye now ✓");
        Assert.Equal((WebSocketCloseStatus)4000, ws.CloseStatus);

        var status = await fixture.Probe.For(tag).Closed.WaitAsync(CloseWait);
        Assert.False(status.IsDisconnect);
        Assert.Equal(4000, status.Code);
        Assert.Equal("bye now ✓", status.Reason);
    }

    [Fact]
    public async Task Client_close_without_a_code_reaches_OnClose_without_a_code()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var raw = await RawWebSocket.ConnectAsync(fixture.Url(out string tag), cts.Token);
        await raw.SendFrameAsync(RawWebSocket.OpClose, ReadOnlyMemory<byte>.Empty, cts.Token);
        var frame = await raw.ReadFrameAsync(cts.Token);
        Assert.Equal(RawWebSocket.OpClose, frame.Opcode);

        var status = await fixture.Probe.For(tag).Closed.WaitAsync(CloseWait);
        Assert.False(status.IsDisconnect);
        Assert.Null(status.Code);
    }

    [Fact]
    public async Task Origin_close_code_and_reason_reach_the_client_and_its_answer_reaches_OnClose()
    {
        using var ws = await WebSocketTestClient.ConnectAsync(fixture.Url(out string tag));
        await ws.SendTextAsync("close:4001:server says bye ✓");
        var r = await ws.ReceiveAsync();
        Assert.True(r.IsClose, $"expected a close, got {r}");
        Assert.Equal((WebSocketCloseStatus)4001, r.CloseStatus);
        Assert.Equal("server says bye ✓", r.CloseDescription);

        // The client answers the close; Pushpin forwards that CLOSE to the origin.
        await ws.CloseOutputAsync((WebSocketCloseStatus)4001, "ack", default);
        var status = await fixture.Probe.For(tag).Closed.WaitAsync(CloseWait);
        Assert.Equal(4001, status.Code);
        Assert.Equal("ack", status.Reason);
    }

    [Fact]
    public async Task A_handler_exception_closes_with_1011_and_never_leaks_its_text()
    {
        using var ws = await WebSocketTestClient.ConnectAsync(fixture.Url(out string tag));
        await ws.SendTextAsync("throw");
        var r = await ws.ReceiveAsync();
        Assert.True(r.IsClose, $"expected a close, got {r}");
        Assert.Equal(WebSocketCloseStatus.InternalServerError, r.CloseStatus);
        Assert.DoesNotContain("secret", r.CloseDescription ?? string.Empty, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(Assert.Single(fixture.Probe.For(tag).Faults));
    }

    [Fact]
    public async Task A_requested_subprotocol_is_negotiated()
    {
        using var ws = await WebSocketTestClient.ConnectAsync(
            fixture.Url(out _, "protocol=chat.v2"),
            o =>
            {
                o.AddSubProtocol("chat.v1");
                o.AddSubProtocol("chat.v2");
            });
        Assert.Equal("chat.v2", ws.SubProtocol);
        await ws.SendTextAsync("still works");
        Assert.Equal("still works", await ws.ReceiveTextAsync());
    }

    [Fact]
    public async Task A_rejection_reaches_the_client_as_the_handshake_status()
    {
        var ex = await Assert.ThrowsAsync<WebSocketException>(async () =>
        {
            using var ws = await WebSocketTestClient.ConnectAsync(fixture.Url(out _, "reject=403"));
        });
        Assert.Contains("403", ex.Message, StringComparison.Ordinal);

        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.Pushpin.HttpUri, "/ws?reject=451"));
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new System.Net.Http.Headers.ProductHeaderValue("websocket"));
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(new byte[16]));
        request.Headers.Add("Sec-WebSocket-Version", "13");
        using var response = await http.SendAsync(request);
        Assert.Equal((HttpStatusCode)451, response.StatusCode);
        Assert.Equal("rejected by test origin", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_exception_in_OnOpen_rejects_with_500_and_no_exception_text()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.Pushpin.HttpUri, "/ws?throw-on-open=1"));
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new System.Net.Http.Headers.ProductHeaderValue("websocket"));
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(new byte[16]));
        request.Headers.Add("Sec-WebSocket-Version", "13");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.DoesNotContain("secret", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_that_drops_without_a_close_frame_reaches_OnClose_as_a_disconnect()
    {
        var ws = await WebSocketTestClient.ConnectAsync(fixture.Url(out string tag));
        await ws.SendTextAsync("hi");
        Assert.Equal("hi", await ws.ReceiveTextAsync());
        ws.Abort();
        ws.Dispose();

        var status = await fixture.Probe.For(tag).Closed.WaitAsync(CloseWait);
        Assert.True(status.IsDisconnect, $"expected a disconnect, got {status}");
        Assert.EndsWith(Convert.ToHexString("DISCONNECT\r\n"u8), fixture.Probe.For(tag).RequestBodies.Last(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Origin_disconnect_drops_the_client_without_a_close_frame()
    {
        using var ws = await WebSocketTestClient.ConnectAsync(fixture.Url(out _));
        await ws.SendTextAsync("disconnect");
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => ws.ReceiveAsync());
        Assert.True(ex is WebSocketException or IOException, ex.ToString());
    }

    [Fact]
    public async Task Connection_meta_set_on_open_comes_back_on_later_requests()
    {
        using var ws = await WebSocketTestClient.ConnectAsync(fixture.Url(out _, "meta=alice-42"));
        await ws.SendTextAsync("meta");
        Assert.Equal("meta=alice-42", await ws.ReceiveTextAsync());
    }

    [Fact]
    public async Task A_reply_in_the_open_response_arrives_first()
    {
        using var ws = await WebSocketTestClient.ConnectAsync(fixture.Url(out string tag, "welcome=1"));
        string welcome = await ws.ReceiveTextAsync();
        Assert.Equal("welcome " + fixture.Probe.For(tag).ConnectionId, welcome);
    }

    [Fact]
    public async Task A_subscribed_connection_receives_what_is_published_to_its_channel()
    {
        string channel = "news-" + OriginProbe.NewTag();
        using var ws = await WebSocketTestClient.ConnectAsync(fixture.Url(out _, "sub=" + channel));

        // The subscribe rides in the OPEN response; a round trip makes sure Pushpin processed it.
        await ws.SendTextAsync("sync");
        Assert.Equal("sync", await ws.ReceiveTextAsync());

        await fixture.Pushpin.PublishAsync(channel, "published ✓");
        Assert.Equal("published ✓", await ws.ReceiveTextAsync());

        // Published messages are not limited like replies: 100,000 bytes arrive.
        string big = new('p', 100_000);
        await fixture.Pushpin.PublishAsync(channel, big);
        Assert.Equal(big, await ws.ReceiveTextAsync());
    }

    [Fact]
    public async Task Skip_self_reaches_every_other_subscriber_but_not_the_sender()
    {
        string room = "room-" + OriginProbe.NewTag();
        using var alice = await WebSocketTestClient.ConnectAsync(fixture.Url(out _, "room=" + room));
        using var bob = await WebSocketTestClient.ConnectAsync(fixture.Url(out _, "room=" + room));
        using var carol = await WebSocketTestClient.ConnectAsync(fixture.Url(out _, "room=" + room));
        foreach (var ws in new[] { alice, bob, carol })
        {
            await ws.SendTextAsync("sync");
            Assert.Equal("sync", await ws.ReceiveTextAsync());
        }

        await alice.SendTextAsync($"others:{room}:alice says hi");
        Assert.Equal("alice says hi", await bob.ReceiveTextAsync());
        Assert.Equal("alice says hi", await carol.ReceiveTextAsync());

        // Alice's next message is the marker published to everybody: she never got her own.
        await fixture.Pushpin.PublishAsync(room, "marker");
        Assert.Equal("marker", await alice.ReceiveTextAsync());
        Assert.Equal("marker", await bob.ReceiveTextAsync());
        Assert.Equal("marker", await carol.ReceiveTextAsync());
    }
}
