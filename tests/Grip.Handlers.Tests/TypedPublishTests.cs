using System.Text;
using Grip.Publishing;
using Grip.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Grip.Handlers.Tests;

/// <summary>Issue 16 item 7: PublishJsonAsync beside SendJson, to others and to a user the same way.</summary>
public sealed class TypedPublishTests
{
    // Escaped the way SendJson escapes (System.Text.Json's default encoder): the same bytes either way.
    private const string AckJson = """{"id":"1","length":2,"note":"\u00FC\u003C"}""";

    [Fact]
    public async Task PublishJsonToOthers_reaches_the_room_but_not_the_sender_with_the_exact_JSON()
    {
        await using var host = await GripTestHost.StartHandlerAsync<RoomHandler>("/room");
        await using var alice = await host.ConnectAsync("/room");
        await using var bob = await host.ConnectAsync("/room");

        await alice.SendTextAsync("""{"type":"chat.send","id":"1","text":"hi","note":"ü<"}""");
        Assert.Equal(AckJson, await bob.ReceiveTextAsync());
        await alice.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(300));

        var item = Assert.Single(host.Publishes);
        Assert.Equal("room", item.Channel);
        Assert.Equal(AckJson, item.WebSocketMessage!.Text);
        Assert.Equal(alice.ConnectionId, item.Meta![GripConnection.SkipSelfSenderMeta]);
    }

    [Fact]
    public async Task PublishJsonAsync_publishes_what_SendJson_sends()
    {
        await using var host = await GripTestHost.StartHandlerAsync<RoomHandler>("/room");
        await using var bob = await host.ConnectAsync("/room");
        var ack = new ChatAck("1", 2, "ü<");
        await host.Services.GetRequiredService<IGripPublisher>().PublishJsonAsync("room", ack, WebChatJson.Default.ChatAck);
        Assert.Equal(AckJson, await bob.ReceiveTextAsync());

        // The same bytes as SendJson writes for the same value.
        var response = new Grip.Infrastructure.GripResponse();
        using var connection = new GripConnection("c1", new TestGripRequest(), host.Services, response: response);
        connection.SendJson(ack, WebChatJson.Default.ChatAck);
        string events = Encoding.UTF8.GetString(response.Events.Span);
        Assert.EndsWith("m:" + AckJson + "\r\n", events, StringComparison.Ordinal);

        // And the body the publisher sends to the proxy carries it as the ws-message content.
        string body = Encoding.UTF8.GetString(Grip.Hosting.Publishing.GripPublishRequest.Serialize([new PublishItem("room") { WebSocketMessage = WebSocketMessageFormat.FromJson(ack, WebChatJson.Default.ChatAck) }]));
        Assert.Equal("""{"items":[{"channel":"room","formats":{"ws-message":{"content":"{\"id\":\"1\",\"length\":2,\"note\":\"\\u00FC\\u003C\"}"}}}]}""", body);
    }

    [Fact]
    public async Task Typed_publish_checks_its_arguments()
    {
        await using var host = await GripTestHost.StartHandlerAsync<RoomHandler>("/room");
        var publisher = host.Services.GetRequiredService<IGripPublisher>();
        await Assert.ThrowsAsync<ArgumentNullException>(() => publisher.PublishJsonAsync("room", new ChatAck("1", 1, null), null!));
        await Assert.ThrowsAsync<ArgumentException>(() => publisher.PublishJsonToUserAsync("", new ChatAck("1", 1, null), WebChatJson.Default.ChatAck));
        Assert.Empty(host.Publishes);
    }
}
