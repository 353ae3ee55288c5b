using System.Net;
using System.Net.WebSockets;
using Grip.Publishing;

using static Grip.DevelopmentProxy.Tests.ClientMessages;

namespace Grip.DevelopmentProxy.Tests;

/// <summary>
/// The development proxy against a real Kestrel app and real ClientWebSocket clients: every
/// request goes through WebSocket-over-HTTP, signed, as with Pushpin.
/// </summary>
[Collection(EchoHandlerState.Name)]
public sealed class DevelopmentProxyTests : IAsyncLifetime
{
    private ProxiedEchoOrigin _origin = null!;

    public async Task InitializeAsync() => _origin = await ProxiedEchoOrigin.StartAsync();

    public async Task DisposeAsync() => await _origin.DisposeAsync();

    [Fact]
    public async Task Open_accepts_and_delivers_the_welcome_then_echoes_text()
    {
        using var client = await ProxiedEchoOrigin.ConnectAsync(_origin.WebSocketUri("/ws"));
        Assert.Equal("welcome", await ReceiveTextAsync(client));

        await SendTextAsync(client, "hello ✓");
        Assert.Equal("echo:hello ✓", await ReceiveTextAsync(client));
    }

    [Fact]
    public async Task A_var_subst_failure_drops_the_message_for_that_connection_and_says_why()
    {
        using var client = await ProxiedEchoOrigin.ConnectAsync(_origin.WebSocketUri("/ws"));
        Assert.Equal("welcome", await ReceiveTextAsync(client));
        await SendTextAsync(client, "varsubst");
        Assert.Equal("varsubst on", await ReceiveTextAsync(client));

        // No subscription meta 'nobody': Pushpin drops this silently; the development proxy drops it and logs why.
        await _origin.Publisher.PublishAsync([new PublishItem("vs") { WebSocketMessage = WebSocketMessageFormat.FromText("Hi %(nobody)s").WithContentFilters(Grip.GripFilters.VarSubst) }]);
        await _origin.Publisher.PublishAsync([new PublishItem("vs") { WebSocketMessage = WebSocketMessageFormat.FromText("Hi %(user)s").WithContentFilters(Grip.GripFilters.VarSubst) }]);
        Assert.Equal("Hi alice", await ReceiveTextAsync(client));

        var warning = Assert.Single(_origin.Logs.GetSnapshot(), e => e.Id.Id == 9013);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Contains("'vs'", warning.Message, StringComparison.Ordinal);
        Assert.Contains("var-subst", warning.Message, StringComparison.Ordinal);
        Assert.Contains("nobody", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Binary_and_empty_messages_round_trip()
    {
        using var client = await ProxiedEchoOrigin.ConnectAsync(_origin.WebSocketUri("/ws"));
        await ReceiveTextAsync(client);

        await client.SendAsync(new byte[] { 0, 1, 0xff, 13, 10 }, WebSocketMessageType.Binary, true, CancellationToken.None);
        var (type, data) = await ReceiveAsync(client);
        Assert.Equal(WebSocketMessageType.Binary, type);
        Assert.Equal(new byte[] { 0, 1, 0xff, 13, 10 }, data);

        await SendTextAsync(client, "");
        Assert.Equal("empty", await ReceiveTextAsync(client));
    }

    [Fact]
    public async Task Every_request_is_signed_and_carries_the_connection_id_and_meta()
    {
        using var client = await ProxiedEchoOrigin.ConnectAsync(_origin.WebSocketUri("/ws"));
        await ReceiveTextAsync(client);
        await SendTextAsync(client, "whoami");
        string reply = await ReceiveTextAsync(client);
        Assert.StartsWith("meta:u-", reply, StringComparison.Ordinal);

        string[] seen;
        lock (_origin.SeenHeaders)
        {
            seen = [.. _origin.SeenHeaders];
        }

        Assert.True(seen.Length >= 2);
        foreach (string line in seen)
        {
            string[] parts = line.Split('|');
            Assert.Equal(3, parts[0].Split('.').Length); // a compact JWS
            Assert.Matches("^[0-9a-f-]{36}$", parts[1]);
        }

        // Set-Meta-user from the OPEN response comes back as Meta-user on the next request.
        Assert.Contains(seen, l => l.Split('|')[2].StartsWith("u-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_rejection_is_relayed_to_the_client_handshake()
    {
        using var client = new ClientWebSocket();
        client.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => client.ConnectAsync(_origin.WebSocketUri("/ws?reject=1"), CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, client.HttpStatusCode);
    }

    [Fact]
    public async Task A_requested_subprotocol_is_negotiated()
    {
        using var client = await ProxiedEchoOrigin.ConnectAsync(_origin.WebSocketUri("/ws"), "chat.v1", "other");
        Assert.Equal("chat.v1", client.SubProtocol);
    }

    [Fact]
    public async Task Client_close_runs_OnClose_and_is_echoed_with_the_code()
    {
        using var client = await ProxiedEchoOrigin.ConnectAsync(_origin.WebSocketUri("/ws"));
        await ReceiveTextAsync(client);
        await client.CloseAsync((WebSocketCloseStatus)4000, "client bye", CancellationToken.None);
        Assert.Equal(4000, (int)client.CloseStatus!.Value);
        await WaitUntilAsync(() => Closes().Contains("close 4000 client bye"));
    }

    [Fact]
    public async Task Origin_close_reaches_the_client_with_code_and_reason()
    {
        using var client = await ProxiedEchoOrigin.ConnectAsync(_origin.WebSocketUri("/ws"));
        await ReceiveTextAsync(client);
        await SendTextAsync(client, "close-me");
        var result = await client.ReceiveAsync(new byte[64], CancellationToken.None);
        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(4001, (int)result.CloseStatus!.Value);
        Assert.Equal("bye now", result.CloseStatusDescription);
    }

    [Fact]
    public async Task Dropping_the_client_sends_DISCONNECT_and_runs_OnClose_once()
    {
        var client = await ProxiedEchoOrigin.ConnectAsync(_origin.WebSocketUri("/ws"));
        await ReceiveTextAsync(client);
        int before = Closes().Count(c => c == "disconnect");
        client.Abort();
        client.Dispose();
        await WaitUntilAsync(() => Closes().Count(c => c == "disconnect") == before + 1);
    }

    [Fact]
    public async Task Publish_reaches_subscribers_and_skip_self_skips_the_sender()
    {
        using var alice = await ProxiedEchoOrigin.ConnectAsync(_origin.WebSocketUri("/ws"));
        using var bob = await ProxiedEchoOrigin.ConnectAsync(_origin.WebSocketUri("/ws"));
        await ReceiveTextAsync(alice);
        await ReceiveTextAsync(bob);

        // A plain publish reaches both.
        await _origin.Publisher.PublishAsync("room", "to everyone");
        Assert.Equal("to everyone", await ReceiveTextAsync(alice));
        Assert.Equal("to everyone", await ReceiveTextAsync(bob));

        // Publish-to-others from alice reaches bob only; alice's next message is her own echo.
        await SendTextAsync(alice, "others:hi bob");
        Assert.Equal("hi bob", await ReceiveTextAsync(bob));
        await SendTextAsync(alice, "ping-after");
        Assert.Equal("echo:ping-after", await ReceiveTextAsync(alice));
    }

    [Fact]
    public async Task Published_close_closes_subscribers()
    {
        using var client = await ProxiedEchoOrigin.ConnectAsync(_origin.WebSocketUri("/ws"));
        await ReceiveTextAsync(client);
        await _origin.Publisher.PublishCloseAsync("room", 4002, "pubclose");
        var result = await client.ReceiveAsync(new byte[64], CancellationToken.None);
        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(4002, (int)result.CloseStatus!.Value);
        Assert.Equal("pubclose", result.CloseStatusDescription);
    }

    [Fact]
    public async Task A_keep_alive_control_message_makes_the_proxy_send_when_idle()
    {
        using var client = await ProxiedEchoOrigin.ConnectAsync(_origin.WebSocketUri("/ws"));
        await ReceiveTextAsync(client);
        await SendTextAsync(client, "keepalive");
        Assert.Equal("keepalive on", await ReceiveTextAsync(client));
        Assert.Equal("still here", await ReceiveTextAsync(client));
        Assert.Equal("still here", await ReceiveTextAsync(client));
    }

    [Fact]
    public async Task Send_delayed_arrives_after_its_timeout()
    {
        using var client = await ProxiedEchoOrigin.ConnectAsync(_origin.WebSocketUri("/ws"));
        await ReceiveTextAsync(client);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await SendTextAsync(client, "delayed");
        Assert.Equal("later", await ReceiveTextAsync(client));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(800), $"arrived after {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Detach_stops_forwarding_client_messages_but_publishes_still_arrive()
    {
        using var client = await ProxiedEchoOrigin.ConnectAsync(_origin.WebSocketUri("/ws"));
        await ReceiveTextAsync(client);
        await SendTextAsync(client, "detach");
        Assert.Equal("detached", await ReceiveTextAsync(client));

        // Not forwarded: no echo comes back.
        await SendTextAsync(client, "anyone?");
        using (var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(500)))
        {
            var pending = client.ReceiveAsync(new byte[256], CancellationToken.None);
            var first = await Task.WhenAny(pending, Task.Delay(500, quiet.Token));
            Assert.NotSame(pending, first);

            // Published messages still reach a detached client.
            await _origin.Publisher.PublishAsync("room", "published after detach");
            var result = await pending.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        }
    }

    [Fact]
    public async Task Messages_sent_while_a_request_is_in_flight_are_batched_into_one_request()
    {
        using var client = await ProxiedEchoOrigin.ConnectAsync(_origin.WebSocketUri("/ws"));
        await ReceiveTextAsync(client);
        int before;
        lock (EchoHandler.BatchSizes)
        {
            before = EchoHandler.BatchSizes.Count;
        }

        await SendTextAsync(client, "slow");
        await Task.Delay(100);
        foreach (string m in new[] { "a", "b", "c" })
        {
            await SendTextAsync(client, m);
        }

        Assert.Equal("slow done", await ReceiveTextAsync(client));
        Assert.Equal("echo:a", await ReceiveTextAsync(client));
        Assert.Equal("echo:b", await ReceiveTextAsync(client));
        Assert.Equal("echo:c", await ReceiveTextAsync(client));
        int[] sizes;
        lock (EchoHandler.BatchSizes)
        {
            sizes = EchoHandler.BatchSizes.Skip(before).ToArray();
        }

        Assert.Contains(3, sizes);
    }

    [Fact]
    public async Task A_response_over_1000000_bytes_drops_the_client_as_Pushpin_does()
    {
        using var client = await ProxiedEchoOrigin.ConnectAsync(_origin.WebSocketUri("/ws"));
        await ReceiveTextAsync(client);
        await SendTextAsync(client, "huge");
        var dropped = await Record.ExceptionAsync(async () =>
        {
            var result = await client.ReceiveAsync(new byte[1024], new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
            Assert.Fail($"expected the connection to be dropped, received {result.MessageType}");
        });
        Assert.IsType<WebSocketException>(dropped);
    }

    private static List<string> Closes()
    {
        lock (EchoHandler.Closes)
        {
            return [.. EchoHandler.Closes];
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 10 s");
            await Task.Delay(20);
        }
    }
}
