using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Grip.EndToEnd.Tests.Infrastructure;

namespace Grip.EndToEnd.Tests;

public sealed class PubSubJitFixture() : SampleFixture(SampleApp.PubSub, SampleRuntime.Jit);

public sealed class PubSubAotFixture() : SampleFixture(SampleApp.PubSub, SampleRuntime.Aot);

/// <summary>samples/PubSub (JIT build) behind a real Pushpin.</summary>
public sealed class PubSubSampleJitTests(PubSubJitFixture fixture) : IClassFixture<PubSubJitFixture>
{
    [Fact]
    public Task Token_endpoint_issues_tokens_and_refuses_bad_client_ids() => PubSubScenarios.TokenEndpointAsync(fixture.Deployment);

    [Fact]
    public Task The_handshake_accepts_a_valid_token_and_refuses_others_with_401() => PubSubScenarios.HandshakeAsync(fixture.Deployment);

    [Fact]
    public Task Subscribe_publish_unsubscribe_across_clients() => PubSubScenarios.SubscribePublishUnsubscribeAsync(fixture.Deployment);

    [Fact]
    public Task With_echo_false_a_client_does_not_get_its_own_publishes() => PubSubScenarios.EchoOffAsync(fixture.Deployment);

    [Fact]
    public Task Channels_outside_the_token_are_refused_with_a_typed_error() => PubSubScenarios.ChannelAllowanceAsync(fixture.Deployment);

    [Fact]
    public Task Malformed_json_and_unknown_actions_get_typed_errors_and_the_socket_stays_open() => PubSubScenarios.BadMessagesAsync(fixture.Deployment);

    [Fact]
    public Task SSE_subscribers_receive_the_same_publishes_as_WebSocket_subscribers() => PubSubScenarios.ServerSentEventsAsync(fixture.Deployment);

    [Fact]
    public Task A_long_poll_is_answered_by_a_publish() => PubSubScenarios.LongPollAsync(fixture.Deployment);
}

/// <summary>The same, against the Native AOT executable of samples/PubSub.</summary>
public sealed class PubSubSampleAotTests(PubSubAotFixture fixture) : IClassFixture<PubSubAotFixture>
{
    [AotFact]
    public Task Token_endpoint_issues_tokens_and_refuses_bad_client_ids() => PubSubScenarios.TokenEndpointAsync(fixture.Deployment);

    [AotFact]
    public Task The_handshake_accepts_a_valid_token_and_refuses_others_with_401() => PubSubScenarios.HandshakeAsync(fixture.Deployment);

    [AotFact]
    public Task Subscribe_publish_unsubscribe_across_clients() => PubSubScenarios.SubscribePublishUnsubscribeAsync(fixture.Deployment);

    [AotFact]
    public Task Channels_outside_the_token_are_refused_with_a_typed_error() => PubSubScenarios.ChannelAllowanceAsync(fixture.Deployment);

    [AotFact]
    public Task SSE_subscribers_receive_the_same_publishes_as_WebSocket_subscribers() => PubSubScenarios.ServerSentEventsAsync(fixture.Deployment);
}

/// <summary>The PubSub scenarios, shared by the JIT and AOT test classes.</summary>
public static class PubSubScenarios
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public static async Task TokenEndpointAsync(SampleDeployment d)
    {
        using var ok = await Http.GetAsync(d.Http("/api/token?clientId=alice"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("application/json", ok.Content.Headers.ContentType!.MediaType);
        using var json = JsonDocument.Parse(await ok.Content.ReadAsStringAsync());
        Assert.Equal(3, json.RootElement.GetProperty("token").GetString()!.Split('.').Length);
        var expires = DateTimeOffset.Parse(json.RootElement.GetProperty("expires").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires, DateTimeOffset.UtcNow.AddMinutes(1), DateTimeOffset.UtcNow.AddHours(1));

        foreach (string bad in new[] { "/api/token", "/api/token?clientId=", "/api/token?clientId=bad%20id!", "/api/token?clientId=alice&channels=a,b%20c" })
        {
            using var refused = await Http.GetAsync(d.Http(bad));
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{bad} got {(int)refused.StatusCode}");
        }
    }

    public static async Task HandshakeAsync(SampleDeployment d)
    {
        string token = await TokenAsync(d, "alice");
        using (var ok = await WebSocketTestClient.ConnectAsync(d.Ws("/api/realtime?token=" + token)))
        {
            await ok.SendTextAsync("""{"action":"subscribe","channel":"news"}""");
            Assert.Equal("""{"action":"subscribed","channel":"news"}""", await ok.ReceiveTextAsync());
        }

        string other = await TokenAsync(d, "bob");
        foreach (string query in new[] { "", "?token=", "?token=garbage", "?token=" + other[..^4] + "AAAA" })
        {
            using var client = new ClientWebSocket();
            client.Options.CollectHttpResponseDetails = true;
            await Assert.ThrowsAnyAsync<WebSocketException>(() => client.ConnectAsync(d.Ws("/api/realtime" + query), CancellationToken.None));
            Assert.True(client.HttpStatusCode == HttpStatusCode.Unauthorized, $"'{query}' got {(int)client.HttpStatusCode}");
        }
    }

    public static async Task SubscribePublishUnsubscribeAsync(SampleDeployment d)
    {
        using var alice = await ConnectAsync(d, "alice");
        using var bob = await ConnectAsync(d, "bob");
        await SubscribeAsync(alice, "news");
        await SubscribeAsync(bob, "news");

        await alice.SendTextAsync("""{"action":"publish","channel":"news","name":"greeting","data":{"text":"hi ✓","n":1}}""");
        const string expected = """{"channel":"news","name":"greeting","data":{"text":"hi ✓","n":1},"clientId":"alice"}""";
        AssertJsonEqual(expected, await alice.ReceiveTextAsync());
        AssertJsonEqual(expected, await bob.ReceiveTextAsync());

        await bob.SendTextAsync("""{"action":"unsubscribe","channel":"news"}""");
        Assert.Equal("""{"action":"unsubscribed","channel":"news"}""", await bob.ReceiveTextAsync());
        await alice.SendTextAsync("""{"action":"publish","channel":"news","name":"second","data":null}""");
        Assert.Equal("""{"channel":"news","name":"second","data":null,"clientId":"alice"}""", await alice.ReceiveTextAsync());
        await bob.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(500));
    }

    public static async Task EchoOffAsync(SampleDeployment d)
    {
        using var carol = await ConnectAsync(d, "carol", echo: false);
        using var dave = await ConnectAsync(d, "dave");
        await SubscribeAsync(carol, "quiet");
        await SubscribeAsync(dave, "quiet");

        await carol.SendTextAsync("""{"action":"publish","channel":"quiet","name":"n","data":1}""");
        Assert.Equal("""{"channel":"quiet","name":"n","data":1,"clientId":"carol"}""", await dave.ReceiveTextAsync());
        await carol.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(500));

        // Others' publishes still reach carol.
        await dave.SendTextAsync("""{"action":"publish","channel":"quiet","name":"n","data":2}""");
        Assert.Equal("""{"channel":"quiet","name":"n","data":2,"clientId":"dave"}""", await carol.ReceiveTextAsync());
    }

    public static async Task ChannelAllowanceAsync(SampleDeployment d)
    {
        string token = await TokenAsync(d, "erin", "news,room:*");
        using var erin = await WebSocketTestClient.ConnectAsync(d.Ws("/api/realtime?token=" + token));
        await erin.SendTextAsync("""{"action":"subscribe","channel":"secret"}""");
        Assert.Equal("""{"action":"error","code":"channel-not-allowed","message":"Your token does not allow this channel.","channel":"secret"}""", await erin.ReceiveTextAsync());
        await erin.SendTextAsync("""{"action":"publish","channel":"secret","name":"x","data":{}}""");
        Assert.Contains("channel-not-allowed", await erin.ReceiveTextAsync(), StringComparison.Ordinal);

        // Still open, and the allowed channels work: an exact name and a prefix pattern.
        await SubscribeAsync(erin, "news");
        await SubscribeAsync(erin, "room:42");

        using var stream = await Http.GetAsync(d.Http("/api/stream/secret?token=" + token), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.Forbidden, stream.StatusCode);
        using var anonymous = await Http.GetAsync(d.Http("/api/stream/news"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    public static async Task BadMessagesAsync(SampleDeployment d)
    {
        using var frank = await ConnectAsync(d, "frank");
        await frank.SendTextAsync("this is not json");
        Assert.Equal("""{"action":"error","code":"malformed-json","message":"Messages are JSON objects with an \u0027action\u0027."}""", await frank.ReceiveTextAsync());
        await frank.SendTextAsync("""{"action":"dance"}""");
        Assert.Contains("\"code\":\"unknown-action\"", await frank.ReceiveTextAsync(), StringComparison.Ordinal);
        await frank.SendTextAsync("""{"action":"publish","channel":"news","name":7}""");
        Assert.Contains("\"code\":\"invalid-message\"", await frank.ReceiveTextAsync(), StringComparison.Ordinal);
        await frank.SendTextAsync("""{"action":"subscribe","channel":"bad channel!"}""");
        Assert.Contains("\"code\":\"invalid-channel\"", await frank.ReceiveTextAsync(), StringComparison.Ordinal);
        await SubscribeAsync(frank, "still-open");
    }

    public static async Task ServerSentEventsAsync(SampleDeployment d)
    {
        string token = await TokenAsync(d, "grace");
        using var response = await Http.GetAsync(d.Http("/api/stream/live?token=" + token), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.False(response.Headers.Contains("Grip-Hold"), "Pushpin strips Grip-* headers");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8);
        Assert.Equal("event: open", await ReadLineAsync(reader));
        Assert.Equal("data: {\"channel\":\"live\"}", await ReadLineAsync(reader));
        Assert.Equal("", await ReadLineAsync(reader));

        using var ws = await ConnectAsync(d, "heidi");
        await SubscribeAsync(ws, "live");
        await ws.SendTextAsync("""{"action":"publish","channel":"live","name":"tick","data":[1,2,3]}""");
        const string expected = """{"channel":"live","name":"tick","data":[1,2,3],"clientId":"heidi"}""";
        Assert.Equal(expected, await ws.ReceiveTextAsync());

        // The same publish, as a Server-Sent Event (keep-alive comments are skipped).
        string? line;
        do
        {
            line = await ReadLineAsync(reader);
        }
        while (line is "" or ":");
        Assert.Equal("event: message", line);
        Assert.Equal("data: " + expected, await ReadLineAsync(reader));
    }

    public static async Task LongPollAsync(SampleDeployment d)
    {
        string token = await TokenAsync(d, "ivan");
        var poll = Http.GetAsync(d.Http("/api/poll/polled?token=" + token));
        using var ws = await ConnectAsync(d, "judy");

        // The hold is registered a moment after the origin answers; publish until the poll returns.
        for (int i = 0; !poll.IsCompleted && i < 50; i++)
        {
            await ws.SendTextAsync($$"""{"action":"publish","channel":"polled","name":"p","data":{{i}}}""");
            await Task.WhenAny(poll, Task.Delay(200));
        }

        using var response = await poll;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("polled", json.RootElement.GetProperty("channel").GetString());
        Assert.Equal("judy", json.RootElement.GetProperty("clientId").GetString());
        Assert.Equal(JsonValueKind.Number, json.RootElement.GetProperty("data").ValueKind);
    }

    /// <summary>Same JSON value (System.Text.Json may escape non-ASCII characters as \uXXXX).</summary>
    private static void AssertJsonEqual(string expected, string actual)
    {
        using var e = JsonDocument.Parse(expected);
        using var a = JsonDocument.Parse(actual);
        Assert.True(JsonElement.DeepEquals(e.RootElement, a.RootElement), $"expected {expected}\nactual   {actual}");
    }

    private static async Task<string> TokenAsync(SampleDeployment d, string clientId, string? channels = null)
    {
        string url = "/api/token?clientId=" + clientId + (channels is null ? "" : "&channels=" + Uri.EscapeDataString(channels));
        using var response = await Http.GetAsync(d.Http(url));
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("token").GetString()!;
    }

    private static async Task<ClientWebSocket> ConnectAsync(SampleDeployment d, string clientId, bool echo = true) =>
        await WebSocketTestClient.ConnectAsync(d.Ws("/api/realtime?token=" + await TokenAsync(d, clientId) + (echo ? "" : "&echo=false")));

    private static async Task SubscribeAsync(ClientWebSocket ws, string channel)
    {
        await ws.SendTextAsync($$"""{"action":"subscribe","channel":"{{channel}}"}""");
        Assert.Equal($$"""{"action":"subscribed","channel":"{{channel}}"}""", await ws.ReceiveTextAsync());
    }

    private static async Task<string?> ReadLineAsync(StreamReader reader)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await reader.ReadLineAsync(cts.Token);
    }
}
