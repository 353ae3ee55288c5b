using System.Text.Json;
using Grip.Testing;

namespace PackageConsumer.TypedJson;

public sealed class OrderHandlerTests
{
    [Fact]
    public async Task A_typed_message_is_routed_deserialized_and_answered_as_JSON()
    {
        await using var host = await GripTestHost.StartHandlerAsync<OrderHandler>("/orders");
        await using var client = await host.ConnectAsync("/orders");

        await client.SendTextAsync("""{"type":"order.place","Id":"a1","Quantity":21}""");
        using (var reply = JsonDocument.Parse(await client.ReceiveTextAsync()))
        {
            Assert.Equal("a1", reply.RootElement.GetProperty("Id").GetString());
            Assert.Equal(42, reply.RootElement.GetProperty("Total").GetInt32());
        }

        await client.SendTextAsync("plain text");
        Assert.Equal("unknown: plain text", await client.ReceiveTextAsync());
    }
}
