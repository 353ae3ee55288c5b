using System.Text.Json;
using Chat;
using Grip.Protocol;
using Grip.Testing;

namespace Grip.Samples.Tests;

/// <summary>samples/Chat's handlers with the test kit.</summary>
public sealed class ChatHandlerTests
{
    [Fact]
    public async Task Every_message_reaches_everyone_the_sender_included()
    {
        await using var host = await GripTestHost.StartHandlerAsync<ChatHandler>("/api/chat");
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
