using Grip.Testing;

namespace GripOrigin.Tests;

public class ChatTests
{
    [Fact]
    public async Task A_message_reaches_everyone_in_the_room()
    {
        await using var host = await GripTestHost.StartHandlerAsync<ChatHandler>("/chat");
        await using var alice = await host.ConnectAsync("/chat");
        await using var bob = await host.ConnectAsync("/chat");

        await alice.SendTextAsync("hello");

        Assert.Equal("hello", await alice.ReceiveTextAsync());
        Assert.Equal("hello", await bob.ReceiveTextAsync());
        Assert.Equal([ChatHandler.Room], bob.Subscriptions);
        Assert.Equal(ChatHandler.Room, Assert.Single(host.Publishes).Channel);
    }

    [Fact]
    public async Task The_app_serves_the_page_and_the_chat()
    {
        await using var host = await GripTestHost.StartAsync(configureServices: null, configureApp: app => app.MapChat());

        using var http = host.CreateHttpClient();
        string page = await http.GetStringAsync("/");
        Assert.Contains("/api/chat", page, StringComparison.Ordinal);

        await using var client = await host.ConnectAsync(ChatEndpoints.ChatPath);
        await client.SendTextAsync("hi");
        Assert.Equal("hi", await client.ReceiveTextAsync());
    }
}
