using Grip;
using Grip.Testing;
using Microsoft.AspNetCore.Builder;

namespace PackageConsumer.App;

/// <summary>A handler with a DI service, mapped by a whole app the way Program.cs does it.</summary>
public sealed partial class RoomHandler(IGripPublisher publisher)
{
    [OnOpen]
    public static void Open(GripConnection connection) => connection.Subscribe("room");

    [OnMessage]
    public Task Say(string text, CancellationToken cancellationToken) => publisher.PublishAsync("room", text, cancellationToken);
}

public sealed class RoomTests
{
    [Fact]
    public async Task An_app_maps_the_handler_and_a_publish_reaches_every_subscriber()
    {
        await using var host = await GripTestHost.StartAsync(
            configureServices: null,
            configureApp: app => app.MapGripHandler<RoomHandler>("/api/room"));
        await using var alice = await host.ConnectAsync("/api/room");
        await using var bob = await host.ConnectAsync("/api/room");

        await alice.SendTextAsync("hi all");

        Assert.Equal("hi all", await alice.ReceiveTextAsync());
        Assert.Equal("hi all", await bob.ReceiveTextAsync());
        Assert.Equal("room", Assert.Single(host.Publishes).Channel);
    }
}
