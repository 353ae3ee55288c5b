using Grip.Testing;

namespace PackageConsumer.TypedJson;

public sealed class OrderHandlerTests
{
    [Fact]
    public async Task A_typed_message_is_routed_deserialized_and_answered_as_JSON()
    {
        await using var host = await GripTestHost.StartHandlerAsync<OrderHandler>("/orders");
        await using var client = await host.ConnectAsync("/orders");

        await client.SendTextAsync("""{"type":"order.place","id":"a1","quantity":21}""");
        Assert.Equal("""{"id":"a1","total":42}""", await client.ReceiveTextAsync());

        // Web defaults with required parameters respected: a message missing "quantity" does not
        // arrive as 0; it goes to the untyped fallback.
        await client.SendTextAsync("""{"type":"order.place","id":"a2"}""");
        Assert.Equal("""unknown: {"type":"order.place","id":"a2"}""", await client.ReceiveTextAsync());

        await client.SendTextAsync("plain text");
        Assert.Equal("unknown: plain text", await client.ReceiveTextAsync());
    }
}
