using System.Net;
using System.Net.Sockets;
using System.Text;
using Grip.Hosting.Publishing.ZeroMq;
using Grip.Publishing;
using NetMQ;
using NetMQ.Sockets;

namespace Grip.Hosting.Tests.ZeroMq;

/// <summary>
/// The ZMTP 3.0 PUB socket against NetMQ's SUB socket (an independent ZeroMQ implementation) and
/// against hand-written ZMTP peers for the failure cases.
/// </summary>
public sealed class ZmtpPubSocketTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private ZmtpPubSocket _pub = null!;

    public Task InitializeAsync()
    {
        _pub = ZmtpPubSocket.Bind(new IPEndPoint(IPAddress.Loopback, 0), new ZmtpPubSocketOptions { SendHighWaterMark = 4, HandshakeTimeout = TimeSpan.FromSeconds(1) });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _pub.DisposeAsync();

    private static ZeroMqPublishMessage Text(string channel, string text) =>
        ZeroMqPublishMessage.Encode(new PublishItem(channel) { WebSocketMessage = WebSocketMessageFormat.FromText(text) });

    [Fact]
    public void Encodes_two_frames_channel_then_J_and_the_item_without_channel()
    {
        var message = ZeroMqPublishMessage.Encode(new PublishItem("room") { Id = "m1", WebSocketMessage = WebSocketMessageFormat.FromText("hi") });
        string json = """J{"id":"m1","formats":{"ws-message":{"content":"hi"}}}""";
        byte[] expected = [0x01, 4, .. "room"u8, 0x00, (byte)json.Length, .. Encoding.UTF8.GetBytes(json)];
        Assert.Equal(expected, message.Wire);
        Assert.Equal("room"u8.ToArray(), message.Topic.ToArray());
    }

    [Fact]
    public void Long_frames_use_an_8_byte_size()
    {
        string text = new('x', 300);
        var message = ZeroMqPublishMessage.Encode(new PublishItem("c") { WebSocketMessage = WebSocketMessageFormat.FromText(text) });
        Assert.Equal(new byte[] { 0x01, 1, (byte)'c' }, message.Wire[..3]);
        Assert.Equal(0x02, message.Wire[3]); // LONG, last frame
        long size = System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(message.Wire.AsSpan(4, 8));
        Assert.Equal(message.Wire.Length - 12, size);
        Assert.EndsWith(text + "\"}}}", Encoding.UTF8.GetString(message.Wire.AsSpan(12)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NetMQ_subscriber_receives_matching_channels_once_and_nothing_else()
    {
        using var sub = new SubscriberSocket();
        sub.Connect(_pub.Endpoint);
        sub.Subscribe("room");
        sub.Subscribe("ro");      // a prefix of room too: the message still arrives once
        await WaitForSubscriberAsync("room");

        Assert.Equal(1, _pub.Send(Text("room", "one")).Queued);
        Assert.Equal(0, _pub.Send(Text("lobby", "not subscribed")).Queued);
        Assert.Equal(1, _pub.Send(Text("room2", "prefix match")).Queued); // ZeroMQ matches prefixes, like libzmq

        Assert.Equal(["room", """J{"formats":{"ws-message":{"content":"one"}}}"""], Receive(sub));
        Assert.Equal(["room2", """J{"formats":{"ws-message":{"content":"prefix match"}}}"""], Receive(sub));
        Assert.False(sub.TryReceiveFrameString(TimeSpan.FromMilliseconds(300), out _));
    }

    [Fact]
    public async Task Unsubscribe_is_counted_and_a_closed_subscriber_is_forgotten()
    {
        var sub = new SubscriberSocket();
        sub.Connect(_pub.Endpoint);
        sub.Subscribe("a");
        sub.Subscribe("b");
        await WaitForSubscriberAsync("b");
        sub.Unsubscribe("a");
        await WaitUntilAsync(() => _pub.CountSubscribers("a"u8) == 0);
        Assert.Equal(0, _pub.Send(Text("a", "gone")).Queued);
        Assert.Equal(1, _pub.Send(Text("b", "still")).Queued);
        Assert.Equal("b", Receive(sub)[0]);

        sub.Dispose();
        await WaitUntilAsync(() => _pub.PeerCount == 0);
        Assert.Equal(0, _pub.CountSubscribers("b"u8));
        Assert.Equal(new ZmtpSendResult(0, 0, null), _pub.Send(Text("b", "nobody")));
    }

    [Fact]
    public async Task Two_subscribers_each_get_every_message_in_order()
    {
        using var one = new SubscriberSocket();
        using var two = new SubscriberSocket();
        one.Connect(_pub.Endpoint);
        two.Connect(_pub.Endpoint);
        one.Subscribe("c");
        two.Subscribe("c");
        await WaitUntilAsync(() => _pub.CountSubscribers("c"u8) == 2);

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(2, _pub.Send(Text("c", "m" + i)).Queued);
            await Task.Delay(20); // stay under the test's high-water mark of 4
        }

        foreach (var sub in new[] { one, two })
        {
            for (int i = 0; i < 3; i++)
            {
                Assert.EndsWith($"\"m{i}\"}}}}}}", Receive(sub)[1], StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task A_subscriber_that_does_not_read_gets_drops_reported_not_unbounded_memory()
    {
        using var peer = await RawPeer.ConnectAsync(_pub.LocalEndPoint, "SUB");
        await peer.SendFrameAsync(0, [1, .. "big"u8]);
        await WaitForSubscriberAsync("big");

        // The peer never reads: the kernel buffers fill, then the 4-message queue, then sends are refused.
        string payload = new('x', 256 * 1024);
        ZmtpSendResult last = default;
        for (int i = 0; i < 200 && last.Dropped is null; i++)
        {
            last = _pub.Send(Text("big", payload));
            await Task.Delay(5);
        }

        Assert.NotNull(last.Dropped);
        Assert.Equal(0, last.Queued);
        Assert.Single(last.Dropped!);
    }

    [Fact]
    public async Task Zmtp31_subscribe_and_cancel_commands_work_too()
    {
        using var peer = await RawPeer.ConnectAsync(_pub.LocalEndPoint, "SUB", minor: 1);
        await peer.SendFrameAsync(0x04, [9, .. "SUBSCRIBE"u8, .. "cmd"u8]);
        await WaitForSubscriberAsync("cmd");
        Assert.Equal(1, _pub.Send(Text("cmd", "x")).Queued);
        var (flags, body) = await peer.ReadFrameAsync();
        Assert.Equal(0x01, flags);
        Assert.Equal("cmd"u8.ToArray(), body);

        await peer.SendFrameAsync(0x04, [6, .. "CANCEL"u8, .. "cmd"u8]);
        await WaitUntilAsync(() => _pub.CountSubscribers("cmd"u8) == 0);
    }

    [Fact]
    public async Task Ping_is_answered_with_pong_carrying_the_context()
    {
        using var peer = await RawPeer.ConnectAsync(_pub.LocalEndPoint, "SUB", minor: 1);
        await peer.SendFrameAsync(0x04, [4, .. "PING"u8, 0, 10, .. "ctx"u8]);
        var (flags, body) = await peer.ReadFrameAsync();
        Assert.Equal(0x04, flags);
        Assert.Equal([4, .. "PONG"u8, .. "ctx"u8], body);
    }

    [Theory]
    [InlineData("bad-signature")]
    [InlineData("zmtp2")]
    [InlineData("curve")]
    [InlineData("pub-socket")]
    [InlineData("no-ready")]
    [InlineData("silent")]
    public async Task Peers_that_cannot_subscribe_are_refused_and_disconnected(string kind)
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(_pub.LocalEndPoint);
        byte[] greeting = RawPeer.Greeting(3, 0, "NULL");
        switch (kind)
        {
            case "bad-signature":
                greeting[0] = 0x00;
                await client.SendAsync(greeting);
                break;
            case "zmtp2":
                greeting[10] = 2;
                await client.SendAsync(greeting);
                break;
            case "curve":
                await client.SendAsync(RawPeer.Greeting(3, 0, "CURVE"));
                break;
            case "pub-socket":
                await client.SendAsync(greeting);
                await client.SendAsync(RawPeer.Ready("PUB"));
                break;
            case "no-ready":
                await client.SendAsync(greeting);
                await client.SendAsync(new byte[] { 0, 3, 1, (byte)'a', (byte)'b' });
                break;
            case "silent":
                break; // the 1 s handshake timeout of this test's socket ends it
        }

        // The PUB sends its greeting first, then closes: everything after it reads as end of stream.
        var buffer = new byte[4096];
        int total = 0;
        using var cts = new CancellationTokenSource(Wait);
        while (true)
        {
            int n;
            try
            {
                n = await client.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
            {
                break; // closed while bytes we sent were still unread there: a reset instead of a FIN
            }

            if (n == 0)
            {
                break;
            }

            total += n;
        }

        Assert.True(total >= 64, $"the greeting was not sent ({total} bytes)");
        Assert.Equal(0, _pub.PeerCount);
    }

    [Fact]
    public async Task Closing_gracefully_writes_out_what_is_queued_first()
    {
        await using var pub = ZmtpPubSocket.Bind(new IPEndPoint(IPAddress.Loopback, 0), new ZmtpPubSocketOptions { SendHighWaterMark = 10_000 });
        using var peer = await RawPeer.ConnectAsync(pub.LocalEndPoint, "SUB");
        await peer.SendFrameAsync(0, [1, .. "q"u8]);
        await WaitUntilAsync(() => pub.CountSubscribers("q"u8) == 1);

        string payload = new('x', 10_000);
        const int Count = 2000;
        for (int i = 0; i < Count; i++)
        {
            Assert.Equal(1, pub.Send(Text("q", payload)).Queued);
        }

        // About 20 MB queued; the subscriber reads until the PUB closes the connection.
        var reading = Task.Run(async () =>
        {
            int messages = 0;
            try
            {
                while (true)
                {
                    var (flags, body) = await peer.ReadFrameAsync();
                    if (flags == 0x01 && body.AsSpan().SequenceEqual("q"u8))
                    {
                        messages++;
                    }
                }
            }
            catch (EndOfStreamException)
            {
                return messages;
            }
        });
        await pub.CloseAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(Count, await reading.WaitAsync(Wait));
    }

    [Fact]
    public void Binding_a_port_in_use_fails_with_a_socket_error()
    {
        var ex = Assert.Throws<SocketException>(() => ZmtpPubSocket.Bind(_pub.LocalEndPoint, new ZmtpPubSocketOptions()));
        Assert.Equal(SocketError.AddressAlreadyInUse, ex.SocketErrorCode);
    }

    private async Task WaitForSubscriberAsync(string channel) =>
        await WaitUntilAsync(() => _pub.CountSubscribers(Encoding.UTF8.GetBytes(channel)) > 0);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(Wait);
        while (!condition())
        {
            await Task.Delay(10, cts.Token);
        }
    }

    private static List<string> Receive(SubscriberSocket sub)
    {
        var frames = new List<string>();
        Assert.True(sub.TryReceiveMultipartStrings(Wait, ref frames!), "nothing received");
        return frames;
    }
}
