using Grip.Testing;

namespace Grip.Handlers.Tests;

/// <summary>
/// Issue 16 item 3: camelCase JSON as a JavaScript client sends it, with a context on web defaults
/// and required/nullable annotations respected. A message missing a required property, or with null
/// where the type says it cannot be, no longer arrives as nulls: it goes to the untyped text method,
/// or closes 1007 without one (docs/lifecycle.md, rule 15).
/// </summary>
public sealed class WebJsonTests
{
    [Fact]
    public async Task CamelCase_message_is_read_and_the_reply_is_camelCase()
    {
        await using var host = await GripTestHost.StartHandlerAsync<WebChatHandler>("/chat");
        await using var client = await host.ConnectAsync("/chat");
        await client.SendTextAsync("""{"type":"chat.send","id":"1","text":"hi"}""");
        Assert.Equal("""{"id":"1","length":2,"note":null}""", await client.ReceiveTextAsync());

        await client.SendTextAsync("""{"type":"rename","newName":"bob"}""");
        Assert.Equal("renamed to bob", await client.ReceiveTextAsync());
    }

    [Theory]
    [InlineData("""{"type":"chat.send","id":"1"}""")]                     // required "text" missing
    [InlineData("""{"type":"chat.send","id":"1","text":null}""")]         // null for a non-nullable string
    [InlineData("""{"type":"rename"}""")]                                  // required member missing
    public async Task A_message_missing_a_required_property_closes_with_1007(string json)
    {
        await using var host = await GripTestHost.StartHandlerAsync<WebChatHandler>("/chat");
        await using var client = await host.ConnectAsync("/chat");
        await client.SendTextAsync(json);
        var close = await client.ReceiveAsync();
        Assert.Equal(GripTestMessageKind.Close, close.Kind);
        Assert.Equal(1007, close.CloseCode);
    }

    [Fact]
    public async Task A_message_missing_a_required_property_goes_to_the_fallback()
    {
        await using var host = await GripTestHost.StartHandlerAsync<WebChatWithFallbackHandler>("/chat");
        await using var client = await host.ConnectAsync("/chat");
        await client.SendTextAsync("""{"type":"chat.send","id":"1"}""");
        Assert.Equal("""fallback: {"type":"chat.send","id":"1"}""", await client.ReceiveTextAsync());

        // An optional property (a parameter with a default) may be missing or null.
        await client.SendTextAsync("""{"type":"chat.send","id":"2","text":"abc","note":"n"}""");
        Assert.Equal("""{"id":"2","length":3,"note":"n"}""", await client.ReceiveTextAsync());
    }
}
