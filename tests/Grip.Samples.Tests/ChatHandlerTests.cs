using System.Text.Json;
using Chat;
using Grip.Testing;

namespace Grip.Samples.Tests;

/// <summary>samples/Chat's handlers with the test kit.</summary>
public sealed class ChatHandlerTests
{
    [Fact]
    public async Task Every_message_reaches_everyone_the_sender_included()
    {
        await using var host = await GripTestHost.StartHandlerAsync<ChatHandler>("/api/chat", services => services.AddSingleton<HeldNotices>());
        await using var alice = await host.ConnectAsync("/api/chat");
        await using var bob = await host.ConnectAsync("/api/chat");

        await alice.SendTextAsync("hi");

        Assert.Equal("hi", await alice.ReceiveTextAsync());
        Assert.Equal("hi", await bob.ReceiveTextAsync());
        var published = Assert.Single(host.Publishes);
        Assert.Equal(ChatHandler.Channel, published.Channel);
        Assert.Equal("hi", published.WebSocketMessage!.Text);
    }

    [Fact]
    public async Task A_chat_connection_also_subscribes_to_its_own_channel_where_failures_are_reported()
    {
        await using var host = await GripTestHost.StartHandlerAsync<ChatHandler>("/api/chat", services => services.AddSingleton<HeldNotices>());
        await using var alice = await host.ConnectAsync("/api/chat");

        Assert.Contains(ChatHandler.Channel, alice.Subscriptions);
        Assert.Contains(GripChannels.ForConnection(alice.ConnectionId), alice.Subscriptions);
    }

    [Fact]
    public void Held_notices_are_bounded_per_connection_and_in_connections_and_forgotten_on_close()
    {
        var held = new HeldNotices();
        for (int i = 0; i < HeldNotices.MaxPerConnection; i++)
        {
            Assert.True(held.Hold("c1", "n" + i));
        }

        Assert.False(held.Hold("c1", "one too many"));
        for (int i = 1; i < HeldNotices.MaxConnections; i++)
        {
            Assert.True(held.Hold("c" + (i + 1), "n"));
        }

        Assert.Equal(HeldNotices.MaxConnections, held.Count);
        Assert.False(held.Hold("another", "n"));
        Assert.True(held.Hold("c2", "a second one for a connection already kept"));

        held.Forget("c1");
        Assert.Equal(HeldNotices.MaxConnections - 1, held.Count);
        Assert.True(held.Hold("another", "n"));
    }

    [Fact]
    public async Task Lobby_greets_with_the_id_and_skips_the_sender()
    {
        await using var host = await GripTestHost.StartHandlerAsync<LobbyHandler>("/api/lobby");
        await using var alice = await host.ConnectAsync("/api/lobby");
        await using var bob = await host.ConnectAsync("/api/lobby");

        using (var greeting = JsonDocument.Parse(await alice.ReceiveTextAsync()))
        {
            Assert.True(greeting.RootElement.GetProperty("connected").GetBoolean());
            Assert.Equal(alice.ConnectionId, greeting.RootElement.GetProperty("yourConnectionId").GetString());
        }

        await bob.ReceiveTextAsync();
        Assert.Equal([GripFilters.SkipSelf], alice.GetSubscriptionFilters(LobbyHandler.Channel));
        Assert.Equal(alice.ConnectionId, alice.SubscriptionMeta["user"]);

        await alice.SendTextAsync("hello");
        Assert.Equal($"{alice.ConnectionId} says: hello", await bob.ReceiveTextAsync());
        await alice.AssertNothingReceivedAsync();
    }
}
