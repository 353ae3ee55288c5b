using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Grip.EndToEnd.Tests.Infrastructure;

/// <summary>
/// What the samples must do, written once and run against every way a sample is started (the JIT
/// build and the Native AOT executable).
/// </summary>
public static class SampleScenarios
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(15) };

    // ---- Echo ------------------------------------------------------------------------------

    public static async Task EchoesTextBinaryEmptyAndUtf8Async(SampleDeployment d)
    {
        using var ws = await WebSocketTestClient.ConnectAsync(d.Ws("/api/websocket"));
        foreach (string text in new[] { "hello", "héllo ✓ 日本語 🎉", string.Empty, "c:{\"type\":\"detach\"}" })
        {
            await ws.SendTextAsync(text);
            var r = await ws.ReceiveAsync();
            Assert.Equal(WebSocketMessageType.Text, r.Type);
            Assert.Equal(text, r.Text);
        }

        foreach (byte[] data in new[] { new byte[] { 0x00, 0x01, 0xFF, 0x0D, 0x0A }, [], Enumerable.Range(0, 256).Select(i => (byte)i).ToArray() })
        {
            await ws.SendBinaryAsync(data);
            var r = await ws.ReceiveAsync();
            Assert.Equal(WebSocketMessageType.Binary, r.Type);
            Assert.Equal(data, r.Data);
        }
    }

    public static async Task ReplySizeLimitIsEnforcedLoudlyAsync(SampleDeployment d)
    {
        // 32,766 bytes is the largest reply Pushpin 1.36 delivers: it arrives intact.
        using (var ws = await WebSocketTestClient.ConnectAsync(d.Ws("/api/websocket")))
        {
            string largest = string.Concat(Enumerable.Repeat("0123456789", 3277))[..GripLimits.MaxReplyPayloadBytes];
            await ws.SendTextAsync(largest);
            Assert.Equal(largest, await ws.ReceiveTextAsync());
        }

        // 32,767 bytes would vanish silently in Pushpin; the framework refuses to write it, so the
        // client gets a 1011 close instead of silence.
        using (var ws = await WebSocketTestClient.ConnectAsync(d.Ws("/api/websocket")))
        {
            await ws.SendTextAsync(new string('y', GripLimits.MaxReplyPayloadBytes + 1));
            var r = await ws.ReceiveAsync();
            Assert.True(r.IsClose, $"expected a close, got {r}\n{d.Describe()}");
            Assert.Equal(WebSocketCloseStatus.InternalServerError, r.CloseStatus);
        }
    }

    public static async Task BroadcastReachesEveryConnectionAsync(SampleDeployment d)
    {
        using var a = await WebSocketTestClient.ConnectAsync(d.Ws("/api/websocket"));
        using var b = await WebSocketTestClient.ConnectAsync(d.Ws("/api/websocket"));
        await SyncAsync(a);
        await SyncAsync(b);

        using var content = new StringContent("news for everyone ✓", Encoding.UTF8, "text/plain");
        using var response = await Http.PostAsync(d.Http("/api/broadcast"), content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Ok", await response.Content.ReadAsStringAsync());
        Assert.Equal("news for everyone ✓", await a.ReceiveTextAsync());
        Assert.Equal("news for everyone ✓", await b.ReceiveTextAsync());

        using var json = new StringContent("{\"x\":1}", Encoding.UTF8, "application/json");
        using var refused = await Http.PostAsync(d.Http("/api/broadcast"), json);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused.StatusCode);

        using var none = new ByteArrayContent("no type"u8.ToArray());
        using var refusedToo = await Http.PostAsync(d.Http("/api/broadcast"), none);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, refusedToo.StatusCode);

        // Larger than a publish may carry: refused before anything is published (directly at the origin).
        using var huge = new StringContent(new string('h', 900_001), Encoding.UTF8, "text/plain");
        using var tooLarge = await Http.PostAsync(new Uri(d.Origin.BaseUri, "/api/broadcast"), huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);

        // Nothing was published for the refused requests: the next message is the marker.
        using var marker = new StringContent("marker", Encoding.UTF8, "text/plain");
        using var ok = await Http.PostAsync(d.Http("/api/broadcast"), marker);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("marker", await a.ReceiveTextAsync());
        Assert.Equal("marker", await b.ReceiveTextAsync());
    }

    public static async Task PingIsAnsweredWithTheSamePayloadAsync(SampleDeployment d, string path)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var raw = await RawWebSocket.ConnectAsync(d.Ws(path), cts.Token);
        if (path == "/api/lobby")
        {
            // The lobby greets first.
            var greeting = await raw.ReadFrameAsync(cts.Token);
            Assert.Equal(RawWebSocket.OpText, greeting.Opcode);
        }

        await raw.SendFrameAsync(RawWebSocket.OpPing, "are you there?"u8.ToArray(), cts.Token);
        var frame = await raw.ReadFrameAsync(cts.Token);
        Assert.Equal(RawWebSocket.OpPong, frame.Opcode);
        Assert.Equal("are you there?"u8.ToArray(), frame.Payload);
    }

    public static async Task CloseCodesTravelBothWaysAsync(SampleDeployment d)
    {
        // Client -> origin: the code reaches [OnClose] (logged by the sample) and is echoed back.
        using var ws = await WebSocketTestClient.ConnectAsync(d.Ws("/api/websocket"));
        await SyncAsync(ws);
        await ws.CloseAsync((WebSocketCloseStatus)4321, "see you");
        Assert.Equal((WebSocketCloseStatus)4321, ws.CloseStatus);
        await WaitForOutputAsync(d, "closed with code 4321 'see you'");

        // Origin -> client: the 1011 close with its reason (the refused oversize reply).
        using var ws2 = await WebSocketTestClient.ConnectAsync(d.Ws("/api/websocket"));
        await ws2.SendTextAsync(new string('z', 40_000));
        var r = await ws2.ReceiveAsync();
        Assert.True(r.IsClose, $"expected a close, got {r}");
        Assert.Equal(WebSocketCloseStatus.InternalServerError, r.CloseStatus);
        Assert.False(string.IsNullOrEmpty(r.CloseDescription));
    }

    public static async Task SubprotocolIsNegotiatedAsync(SampleDeployment d)
    {
        using var ws = await WebSocketTestClient.ConnectAsync(d.Ws("/api/websocket"), o =>
        {
            o.AddSubProtocol("echo.v2");
            o.AddSubProtocol("echo.v1");
        });
        Assert.Equal("echo.v2", ws.SubProtocol);
        await ws.SendTextAsync("with a protocol");
        Assert.Equal("with a protocol", await ws.ReceiveTextAsync());
    }

    public static async Task DroppedClientReachesOnCloseAsDisconnectAsync(SampleDeployment d)
    {
        var ws = await WebSocketTestClient.ConnectAsync(d.Ws("/api/websocket"));
        await SyncAsync(ws);
        ws.Abort();
        ws.Dispose();
        await WaitForOutputAsync(d, "disconnected without a close frame");
    }

    public static async Task ForgedGripSigIsRejectedAsync(SampleDeployment d, string path)
    {
        var pushpin = d.Pushpin;
        var future = DateTimeOffset.UtcNow.AddHours(1);

        // The control: Pushpin's own kind of signature is accepted, so the refusals below are about the signature.
        using (var valid = await PostOpenAsync(d, path, TestJwt.Hs256(pushpin.SigIssuer, pushpin.SigKey, future)))
        {
            Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
            Assert.StartsWith("OPEN\r\n", await valid.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        string[] forged =
        [
            TestJwt.Hs256(pushpin.SigIssuer, "not-the-key", future),
            TestJwt.Hs256(pushpin.SigIssuer, pushpin.SigKey, DateTimeOffset.UtcNow.AddMinutes(-5)),
            TestJwt.Hs256(pushpin.SigIssuer, pushpin.SigKey, future, alg: "none"),
            "garbage",
        ];
        foreach (string sig in forged)
        {
            using var response = await PostOpenAsync(d, path, sig);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"Grip-Sig '{sig}' got {(int)response.StatusCode}");
            Assert.DoesNotContain("OPEN", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var unsigned = await PostOpenAsync(d, path, null);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
    }

    // ---- Chat ------------------------------------------------------------------------------

    public static async Task ChatFansOutToEveryClientExactlyOnceAsync(SampleDeployment d, int clients = 50, int senders = 5, int messagesPerSender = 4)
    {
        var sockets = new List<ClientWebSocket>();
        try
        {
            for (int i = 0; i < clients; i++)
            {
                sockets.Add(await WebSocketTestClient.ConnectAsync(d.Ws("/api/chat")));
            }

            await ProbeUntilAllSubscribedAsync(d, "all", sockets);

            var expected = new List<string>();
            for (int s = 0; s < senders; s++)
            {
                for (int m = 0; m < messagesPerSender; m++)
                {
                    expected.Add($"client {s} message {m} ✓");
                }
            }

            var receiving = sockets.Select(ws => CollectAsync(ws, expected.Count)).ToList();
            for (int m = 0; m < messagesPerSender; m++)
            {
                for (int s = 0; s < senders; s++)
                {
                    await sockets[s].SendTextAsync($"client {s} message {m} ✓");
                }
            }

            var received = await Task.WhenAll(receiving);
            for (int i = 0; i < clients; i++)
            {
                var got = received[i];
                Assert.True(got.Count == expected.Count, $"client {i} got {got.Count} of {expected.Count}: {string.Join(" | ", got)}");
                Assert.Equal(expected.Order(StringComparer.Ordinal), got.Order(StringComparer.Ordinal));

                // Each sender's own messages arrive in the order it sent them.
                for (int s = 0; s < senders; s++)
                {
                    var mine = got.Where(t => t.StartsWith($"client {s} ", StringComparison.Ordinal)).ToList();
                    Assert.Equal(Enumerable.Range(0, messagesPerSender).Select(m => $"client {s} message {m} ✓"), mine);
                }
            }

            // Exactly once: nothing more arrives.
            await Task.WhenAll(sockets.Select(ws => ws.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(300))));
        }
        finally
        {
            foreach (var ws in sockets)
            {
                ws.Abort();
                ws.Dispose();
            }
        }
    }

    public static async Task LobbySkipsTheSenderAsync(SampleDeployment d)
    {
        var (alice, aliceId) = await JoinLobbyAsync(d);
        var (bob, bobId) = await JoinLobbyAsync(d);
        var (carol, carolId) = await JoinLobbyAsync(d);
        using (alice)
        using (bob)
        using (carol)
        {
            Assert.Equal(3, new[] { aliceId, bobId, carolId }.Distinct().Count());
            await ProbeUntilAllSubscribedAsync(d, "lobby", [alice, bob, carol]);

            await alice.SendTextAsync("hi ✓");
            Assert.Equal($"{aliceId} says: hi ✓", await bob.ReceiveTextAsync());
            Assert.Equal($"{aliceId} says: hi ✓", await carol.ReceiveTextAsync());

            // Alice's next message is Bob's: she never received her own.
            await bob.SendTextAsync("hello alice");
            Assert.Equal($"{bobId} says: hello alice", await alice.ReceiveTextAsync());
            Assert.Equal($"{bobId} says: hello alice", await carol.ReceiveTextAsync());

            await bob.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(300));
        }
    }

    public static async Task ChatPageIsServedThroughTheProxyAsync(SampleDeployment d)
    {
        using var response = await Http.GetAsync(d.Http("/"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        string html = await response.Content.ReadAsStringAsync();
        Assert.Contains("/api/chat", html, StringComparison.Ordinal);
    }

    public static async Task<(ClientWebSocket Socket, string ConnectionId)> JoinLobbyAsync(SampleDeployment d)
    {
        var ws = await WebSocketTestClient.ConnectAsync(d.Ws("/api/lobby"));
        string greeting = await ws.ReceiveTextAsync();
        using var json = JsonDocument.Parse(greeting);
        var root = json.RootElement;
        Assert.True(root.GetProperty("connected").GetBoolean(), greeting);
        string id = root.GetProperty("yourConnectionId").GetString()!;
        Assert.Matches("^[0-9a-f-]{36}$", id);
        Assert.Equal(2, root.EnumerateObject().Count());
        return (ws, id);
    }

    // ---- helpers ---------------------------------------------------------------------------

    /// <summary>
    /// Publishes probes to <paramref name="channel"/> until every socket has received one, then drains
    /// the probes, so the test starts with every subscription active at Pushpin.
    /// </summary>
    public static async Task ProbeUntilAllSubscribedAsync(SampleDeployment d, string channel, IReadOnlyList<WebSocket> sockets)
    {
        string id = Guid.NewGuid().ToString("N");
        var seen = new bool[sockets.Count];
        for (int round = 0; round < 50 && seen.Contains(false); round++)
        {
            await d.Pushpin.PublishAsync(channel, $"probe {id} {round}");
            await Task.WhenAll(sockets.Select(async (ws, i) =>
            {
                try
                {
                    // Drain whatever probes arrived for this socket.
                    while (true)
                    {
                        var r = await ws.ReceiveAsync(TimeSpan.FromMilliseconds(seen[i] ? 150 : 400));
                        Assert.StartsWith($"probe {id} ", r.Text, StringComparison.Ordinal);
                        seen[i] = true;
                    }
                }
                catch (TimeoutException)
                {
                }
            }));
        }

        Assert.True(!seen.Contains(false), $"{seen.Count(s => !s)} of {sockets.Count} sockets never received a probe on '{channel}'.\n{d.Describe()}");

        // A last quiet drain: no probe may be mistaken for a test message.
        await Task.WhenAll(sockets.Select(async ws =>
        {
            try
            {
                while (true)
                {
                    var r = await ws.ReceiveAsync(TimeSpan.FromMilliseconds(300));
                    Assert.StartsWith($"probe {id} ", r.Text, StringComparison.Ordinal);
                }
            }
            catch (TimeoutException)
            {
            }
        }));
    }

    private static async Task<List<string>> CollectAsync(WebSocket ws, int count)
    {
        var got = new List<string>();
        while (got.Count < count)
        {
            try
            {
                string text = await ws.ReceiveTextAsync(TimeSpan.FromSeconds(20));
                if (!text.StartsWith("probe ", StringComparison.Ordinal))
                {
                    got.Add(text);
                }
            }
            catch (TimeoutException)
            {
                break;
            }
        }

        return got;
    }

    /// <summary>A round trip through the echo, so earlier control messages are known to be processed.</summary>
    private static async Task SyncAsync(WebSocket ws)
    {
        await ws.SendTextAsync("sync");
        Assert.Equal("sync", await ws.ReceiveTextAsync());
    }

    private static async Task WaitForOutputAsync(SampleDeployment d, string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (d.Origins.Any(o => o.Output.Contains(text, StringComparison.Ordinal)))
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"The origin never logged '{text}'.\n{d.Describe()}");
    }

    private static async Task<HttpResponseMessage> PostOpenAsync(SampleDeployment d, string path, string? gripSig)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(d.Origin.BaseUri, path))
        {
            Content = new ByteArrayContent("OPEN\r\n"u8.ToArray()),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/websocket-events");
        request.Headers.Accept.ParseAdd("application/websocket-events");
        request.Headers.Add("Connection-Id", Guid.NewGuid().ToString());
        request.Headers.Add("Sec-WebSocket-Extensions", "grip");
        request.Headers.Add("Grip-Feature", "status, session, link:next, filter:skip-self, filter:skip-users, filter:require-sub, filter:build-id, filter:var-subst");
        if (gripSig is not null)
        {
            request.Headers.TryAddWithoutValidation("Grip-Sig", gripSig);
        }

        return await Http.SendAsync(request);
    }
}
