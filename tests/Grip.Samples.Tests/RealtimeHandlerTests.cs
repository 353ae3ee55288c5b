using Grip.Testing;
using PubSub;

namespace Grip.Samples.Tests;

/// <summary>samples/PubSub's realtime handler with the test kit.</summary>
public sealed class RealtimeHandlerTests : IAsyncLifetime
{
    private GripTestHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await GripTestHost.StartHandlerAsync<RealtimeHandler>("/api/realtime", services =>
        {
            services.AddSingleton(TimeProvider.System);
            services.AddSingleton<PubSubTokens>();
        });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private string Token(string clientId, params string[] channels) =>
        _host.Services.GetRequiredService<PubSubTokens>().Issue(clientId, channels.Length == 0 ? ["*"] : channels).Token;

    [Fact]
    public async Task A_connection_without_a_valid_token_is_rejected_with_401()
    {
        var missing = await Assert.ThrowsAsync<GripTestConnectException>(() => _host.ConnectAsync("/api/realtime"));
        Assert.Equal(401, missing.StatusCode);
        var garbage = await Assert.ThrowsAsync<GripTestConnectException>(() => _host.ConnectAsync("/api/realtime?token=abc.def.ghi"));
        Assert.Equal(401, garbage.StatusCode);
    }

    [Fact]
    public async Task The_client_id_and_channels_live_in_connection_meta()
    {
        await using var client = await _host.ConnectAsync("/api/realtime?token=" + Token("alice", "news", "room:*"));
        Assert.Equal("alice", client.Meta["client-id"]);
        Assert.Equal("news,room:*", client.Meta["channels"]);
    }

    [Fact]
    public async Task Subscribe_and_publish_reach_subscribers_with_the_sender_id()
    {
        await using var alice = await _host.ConnectAsync("/api/realtime?token=" + Token("alice"));
        await using var bob = await _host.ConnectAsync("/api/realtime?token=" + Token("bob"));
        foreach (var client in new[] { alice, bob })
        {
            await client.SendTextAsync("""{"action":"subscribe","channel":"news"}""");
            Assert.Equal("""{"action":"subscribed","channel":"news"}""", await client.ReceiveTextAsync());
        }

        Assert.Equal(["ps:news"], bob.Subscriptions);
        await alice.SendTextAsync("""{"action":"publish","channel":"news","name":"n","data":{"x":1}}""");
        Assert.Equal("""{"channel":"news","name":"n","data":{"x":1},"clientId":"alice"}""", await bob.ReceiveTextAsync());
        Assert.Equal("""{"channel":"news","name":"n","data":{"x":1},"clientId":"alice"}""", await alice.ReceiveTextAsync());
    }

    [Fact]
    public async Task Channels_outside_the_token_and_bad_messages_get_typed_errors()
    {
        await using var client = await _host.ConnectAsync("/api/realtime?token=" + Token("carol", "news"));
        await client.SendTextAsync("""{"action":"subscribe","channel":"secret"}""");
        Assert.Contains("\"code\":\"channel-not-allowed\"", await client.ReceiveTextAsync(), StringComparison.Ordinal);
        await client.SendTextAsync("nope");
        Assert.Contains("\"code\":\"malformed-json\"", await client.ReceiveTextAsync(), StringComparison.Ordinal);
        await client.SendTextAsync("""{"action":"subscribe","channel":5}""");
        Assert.Contains("\"code\":\"invalid-message\"", await client.ReceiveTextAsync(), StringComparison.Ordinal);
        await client.SendTextAsync("""{"action":"dance"}""");
        Assert.Contains("\"code\":\"unknown-action\"", await client.ReceiveTextAsync(), StringComparison.Ordinal);
        Assert.Empty(client.Subscriptions);
    }
}
