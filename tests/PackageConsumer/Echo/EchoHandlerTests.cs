using Grip.Testing;

namespace PackageConsumer.Echo;

public sealed class EchoHandlerTests
{
    [Fact]
    public async Task Text_and_binary_come_back_and_the_connection_is_subscribed()
    {
        await using var host = await GripTestHost.StartHandlerAsync<EchoHandler>("/echo");
        await using var client = await host.ConnectAsync("/echo");

        await client.SendTextAsync("héllo");
        Assert.Equal("héllo", await client.ReceiveTextAsync());

        await client.SendBinaryAsync(new byte[] { 0, 1, 255 });
        Assert.Equal(new byte[] { 0, 1, 255 }, await client.ReceiveBinaryAsync());

        Assert.Equal([EchoHandler.Channel], client.Subscriptions);
    }
}
