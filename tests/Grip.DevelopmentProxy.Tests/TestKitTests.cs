using Grip.Testing;

namespace Grip.DevelopmentProxy.Tests;

/// <summary>The test kit drives a handler in-process (TestServer) with fake clients.</summary>
[Collection(EchoHandlerState.Name)]
public sealed class TestKitTests : IAsyncLifetime
{
    private GripTestHost _host = null!;

    public async Task InitializeAsync() => _host = await GripTestHost.StartHandlerAsync<HandWrittenHandler>("/ws");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Text_binary_and_empty_messages()
    {
        await using var client = await _host.ConnectAsync("/ws");
        Assert.Equal("welcome", await client.ReceiveTextAsync());
        await client.SendTextAsync("héllo ✓");
        Assert.Equal("echo:héllo ✓", await client.ReceiveTextAsync());
        await client.SendBinaryAsync(new byte[] { 0, 13, 10, 255 });
        Assert.Equal(new byte[] { 0, 13, 10, 255 }, await client.ReceiveBinaryAsync());
        await client.SendTextAsync("");
        Assert.Equal("empty", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Publishes_in_the_background_and_with_either_guarantee_reach_subscribers_and_are_captured()
    {
        await using var client = await _host.ConnectAsync("/ws");
        await client.ReceiveTextAsync();
        var publisher = (Grip.IGripPublisher)_host.Services.GetService(typeof(Grip.IGripPublisher))!;
        publisher.PublishInBackground([new Grip.Publishing.PublishItem("room") { WebSocketMessage = Grip.Publishing.WebSocketMessageFormat.FromText("handed off") }]);
        Assert.Equal("handed off", await client.ReceiveTextAsync());
        await publisher.PublishAsync([new Grip.Publishing.PublishItem("room") { WebSocketMessage = Grip.Publishing.WebSocketMessageFormat.FromText("at least once") }], Grip.GripDelivery.AtLeastOnce);
        Assert.Equal("at least once", await client.ReceiveTextAsync());
        Assert.Equal(["handed off", "at least once"], _host.Publishes.Select(p => p.WebSocketMessage!.Text));
        Assert.Throws<ArgumentException>(() => publisher.PublishInBackground([new Grip.Publishing.PublishItem("room")]));
    }

    [Fact]
    public async Task Ping_is_answered_with_a_pong_echoing_the_payload()
    {
        await using var client = await _host.ConnectAsync("/ws");
        await client.ReceiveTextAsync();
        await client.SendPingAsync("are you there"u8.ToArray());
        var pong = await client.ReceiveAsync();
        Assert.Equal(GripTestMessageKind.Pong, pong.Kind);
        Assert.Equal("are you there", pong.Text);
    }

    [Fact]
    public async Task Subscriptions_meta_and_subscription_meta_are_visible()
    {
        await using var client = await _host.ConnectAsync("/ws");
        await client.ReceiveTextAsync();
        Assert.Equal(["room"], client.Subscriptions);
        Assert.Equal([GripFilters.SkipSelf], client.GetSubscriptionFilters("room"));
        Assert.Equal(client.ConnectionId, client.SubscriptionMeta["user"]);
        Assert.StartsWith("u-", client.Meta["user"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Close_with_code_and_reason_is_echoed_and_reaches_OnClose()
    {
        await using var client = await _host.ConnectAsync("/ws");
        await client.ReceiveTextAsync();
        var close = await client.CloseAsync(4005, "done here");
        Assert.Equal(4005, close.CloseCode);
        await WaitUntilAsync(() => Closes().Contains("close 4005 done here"));
    }

    [Fact]
    public async Task Server_close_is_received_as_a_close_message()
    {
        await using var client = await _host.ConnectAsync("/ws");
        await client.ReceiveTextAsync();
        await client.SendTextAsync("close-me");
        var close = await client.ReceiveAsync();
        Assert.Equal(GripTestMessageKind.Close, close.Kind);
        Assert.Equal(4001, close.CloseCode);
        Assert.Equal("bye now", close.CloseReason);
    }

    [Fact]
    public async Task Dropping_uncleanly_runs_OnClose_as_a_disconnect()
    {
        var client = await _host.ConnectAsync("/ws");
        await client.ReceiveTextAsync();
        int before = Closes().Count(c => c == "disconnect");
        client.Drop();
        await WaitUntilAsync(() => Closes().Count(c => c == "disconnect") > before);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task A_rejection_surfaces_as_an_exception_with_the_status()
    {
        var ex = await Assert.ThrowsAsync<GripTestConnectException>(() => _host.ConnectAsync("/ws?reject=1"));
        Assert.Equal(401, ex.StatusCode);
    }

    [Fact]
    public async Task Publishes_are_captured_and_reach_subscribed_clients_except_the_sender()
    {
        await using var alice = await _host.ConnectAsync("/ws");
        await using var bob = await _host.ConnectAsync("/ws");
        await alice.ReceiveTextAsync();
        await bob.ReceiveTextAsync();

        await alice.SendTextAsync("others:hello bob");
        Assert.Equal("hello bob", await bob.ReceiveTextAsync());
        await alice.AssertNothingReceivedAsync();

        var published = Assert.Single(_host.Publishes);
        Assert.Equal("room", published.Channel);
        Assert.Equal("hello bob", published.WebSocketMessage!.Text);
        Assert.Equal(alice.ConnectionId, published.Meta!["sender"]);
    }

    [Fact]
    public async Task Subprotocol_is_negotiated()
    {
        await using var client = await _host.ConnectAsync("/ws", ["chat.v1"]);
        Assert.Equal("chat.v1", client.Subprotocol);
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
