using Echo;
using Grip.Testing;

namespace Grip.Samples.Tests;

/// <summary>samples/Echo's handler with the test kit: no proxy, no ports.</summary>
public sealed class EchoHandlerTests
{
    [Fact]
    public async Task Echoes_text_and_binary_and_subscribes_to_test()
    {
        await using var host = await GripTestHost.StartHandlerAsync<EchoHandler>("/api/websocket");
        await using var client = await host.ConnectAsync("/api/websocket");

        Assert.Equal([EchoHandler.Channel], client.Subscriptions);
        await client.SendTextAsync("hello ✓");
        Assert.Equal("hello ✓", await client.ReceiveTextAsync());
        await client.SendBinaryAsync(new byte[] { 1, 2, 3 });
        Assert.Equal(new byte[] { 1, 2, 3 }, await client.ReceiveBinaryAsync());
    }

    [Fact]
    public async Task Takes_the_first_offered_subprotocol_and_answers_pings()
    {
        await using var host = await GripTestHost.StartHandlerAsync<EchoHandler>("/api/websocket");
        await using var client = await host.ConnectAsync("/api/websocket", ["echo.v2", "echo.v1"]);
        Assert.Equal("echo.v2", client.Subprotocol);
        await client.SendPingAsync("ping!"u8.ToArray());
        var pong = await client.ReceiveAsync();
        Assert.Equal(GripTestMessageKind.Pong, pong.Kind);
        Assert.Equal("ping!", pong.Text);
    }

    [Fact]
    public async Task A_publish_to_test_reaches_the_connection()
    {
        await using var host = await GripTestHost.StartHandlerAsync<EchoHandler>("/api/websocket");
        await using var client = await host.ConnectAsync("/api/websocket");
        await host.Services.GetRequiredService<IGripPublisher>().PublishAsync(EchoHandler.Channel, "broadcast");
        Assert.Equal("broadcast", await client.ReceiveTextAsync());
    }
}
