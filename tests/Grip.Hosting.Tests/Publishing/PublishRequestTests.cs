using System.Text;
using System.Text.Json;
using Grip.Hosting.Publishing;
using Grip.Publishing;

namespace Grip.Hosting.Tests.Publishing;

/// <summary>Exact JSON of publish items (grip-spec §3.1, §8.10) and the request body.</summary>
public class PublishRequestTests
{
    private static string Json(params PublishItem[] items) => Encoding.UTF8.GetString(GripPublishRequest.Serialize(items));

    [Fact]
    public void Spec_8_10_text_message()
    {
        var item = new PublishItem("test") { WebSocketMessage = WebSocketMessageFormat.FromText("hi") };
        Assert.Equal("""{"items":[{"channel":"test","formats":{"ws-message":{"content":"hi"}}}]}""", Json(item));
    }

    [Fact]
    public void Spec_8_10_empty_item_list() => Assert.Equal("""{"items":[]}""", Json());

    public static TheoryData<WebSocketMessageFormat, string> WebSocketFormats => new()
    {
        { WebSocketMessageFormat.FromText("pub-text"), """{"content":"pub-text"}""" },
        { WebSocketMessageFormat.FromText(""), """{"content":""}""" },
        { WebSocketMessageFormat.FromBinary(new byte[] { 0, 1, 2 }), """{"content-bin":"AAEC"}""" },
        { WebSocketMessageFormat.FromBinary(ReadOnlyMemory<byte>.Empty), """{"content-bin":""}""" },
        { WebSocketMessageFormat.Ping("pp"u8.ToArray()), """{"type":"ping","content-bin":"cHA="}""" },
        { WebSocketMessageFormat.Ping(), """{"type":"ping"}""" },
        { WebSocketMessageFormat.Pong(), """{"type":"pong"}""" },
        { WebSocketMessageFormat.CloseConnection(4001, "pubclose"), """{"action":"close","code":4001,"reason":"pubclose"}""" },
        { WebSocketMessageFormat.CloseConnection(), """{"action":"close","code":1000}""" },
        { WebSocketMessageFormat.FromText("héllo ✓ <&>"), "{\"content\":\"héllo ✓ <&>\"}" },
    };

    [Theory]
    [MemberData(nameof(WebSocketFormats))]
    public void Ws_message_formats(WebSocketMessageFormat format, string json) =>
        Assert.Equal($$$"""{"items":[{"channel":"c","formats":{"ws-message":{{{json}}}}}]}""", Json(new PublishItem("c") { WebSocketMessage = format }));

    [Fact]
    public void Http_stream_formats()
    {
        Assert.Equal(
            """{"items":[{"channel":"s","formats":{"http-stream":{"content":"line1\n"}}},{"channel":"s","formats":{"http-stream":{"content-bin":"bGluZTIK"}}},{"channel":"s","formats":{"http-stream":{"action":"close"}}}]}""",
            Json(
                new PublishItem("s") { HttpStream = HttpStreamFormat.FromText("line1\n") },
                new PublishItem("s") { HttpStream = HttpStreamFormat.FromContent("line2\n"u8.ToArray()) },
                new PublishItem("s") { HttpStream = HttpStreamFormat.CloseStream() }));
    }

    [Fact]
    public void Http_response_always_has_a_body_and_headers_are_ordered_pairs()
    {
        var text = new PublishItem("r")
        {
            HttpResponse = HttpResponseFormat.FromText("done"),
        };
        Assert.Equal("""{"items":[{"channel":"r","formats":{"http-response":{"code":200,"body":"done"}}}]}""", Json(text));

        var empty = new PublishItem("r") { HttpResponse = new HttpResponseFormat(ReadOnlyMemory<byte>.Empty) };
        Assert.Equal("""{"items":[{"channel":"r","formats":{"http-response":{"code":200,"body-bin":""}}}]}""", Json(empty));

        var full = new PublishItem("r")
        {
            HttpResponse = new HttpResponseFormat(new byte[] { 0xFF })
            {
                Code = 404,
                Reason = "Nope",
                Headers = [new("Set-Cookie", "a=1"), new("Set-Cookie", "b=2"), new("Content-Type", "application/octet-stream")],
            },
        };
        Assert.Equal(
            """{"items":[{"channel":"r","formats":{"http-response":{"code":404,"reason":"Nope","headers":[["Set-Cookie","a=1"],["Set-Cookie","b=2"],["Content-Type","application/octet-stream"]],"body-bin":"/w=="}}}]}""",
            Json(full));
    }

    [Fact]
    public void Item_fields_id_prev_id_meta_and_several_formats()
    {
        var item = new PublishItem("room")
        {
            Id = "2",
            PrevId = "1",
            Meta = new Dictionary<string, string> { ["sender"] = "alice", ["skip_users"] = "bob,carol" },
            WebSocketMessage = WebSocketMessageFormat.FromText("hi"),
            HttpStream = HttpStreamFormat.FromText("hi\n"),
        };
        Assert.Equal(
            """{"items":[{"channel":"room","id":"2","prev-id":"1","meta":{"sender":"alice","skip_users":"bob,carol"},"formats":{"ws-message":{"content":"hi"},"http-stream":{"content":"hi\n"}}}]}""",
            Json(item));
    }

    [Fact]
    public void Channel_prefix_is_put_before_every_channel()
    {
        byte[] body = GripPublishRequest.Serialize(
            [new PublishItem("a") { WebSocketMessage = WebSocketMessageFormat.FromText("1") }, new PublishItem("b") { WebSocketMessage = WebSocketMessageFormat.FromText("2") }],
            channelPrefix: "app.");
        using var doc = JsonDocument.Parse(body);
        Assert.Equal(["app.a", "app.b"], doc.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("channel").GetString()));
    }

    [Fact]
    public void Publish_to_others_sets_sender_meta_for_skip_self()
    {
        var item = new PublishItem("room")
        {
            WebSocketMessage = WebSocketMessageFormat.FromText("hi"),
            Meta = new Dictionary<string, string> { [GripConnection.SkipSelfSenderMeta] = "conn-1" },
        };
        Assert.Contains("\"meta\":{\"sender\":\"conn-1\"}", Json(item), StringComparison.Ordinal);
    }

    [Fact]
    public void A_body_over_1000000_bytes_is_refused_with_a_clear_error()
    {
        // One item that fits: 999,900 bytes of text.
        var fits = new PublishItem("c") { WebSocketMessage = WebSocketMessageFormat.FromText(new string('x', 999_900)) };
        Assert.True(GripPublishRequest.Serialize([fits]).Length <= GripPublishRequest.MaxBodyBytes);

        var big = new PublishItem("c") { WebSocketMessage = WebSocketMessageFormat.FromText(new string('x', 1_000_000)) };
        var ex = Assert.Throws<GripLimitExceededException>(() => GripPublishRequest.Serialize([big]));
        Assert.Contains("Request body too large", ex.Message, StringComparison.Ordinal);

        // Many small items: refused as soon as the limit is crossed, naming how far it got.
        var items = Enumerable.Range(0, 20).Select(_ => new PublishItem("c") { WebSocketMessage = WebSocketMessageFormat.FromText(new string('y', 100_000)) }).ToArray();
        var many = Assert.Throws<GripLimitExceededException>(() => GripPublishRequest.Serialize(items));
        Assert.Contains("after 10 of 20 items", many.Message, StringComparison.Ordinal);
    }

    public static TheoryData<Func<PublishItem>, string> Invalid => new()
    {
        { () => new PublishItem(""), "non-empty channel" },
        { () => new PublishItem("a\u0000b") { WebSocketMessage = WebSocketMessageFormat.FromText("x") }, "control characters" },
        { () => new PublishItem("c"), "at least one format" },
        { () => new PublishItem("c") { WebSocketMessage = WebSocketMessageFormat.FromText("x"), Meta = new Dictionary<string, string> { [""] = "v" } }, "non-empty names" },
        { () => new PublishItem("c") { WebSocketMessage = WebSocketMessageFormat.Ping(new byte[126]) }, "at most 125 bytes" },
        { () => new PublishItem("c") { HttpResponse = new HttpResponseFormat(default) { Code = 1000 } }, "0-999" },
        { () => new PublishItem("c") { HttpResponse = new HttpResponseFormat(default) { Headers = [new("Bad Name", "v")] } }, "not an HTTP token" },
        { () => new PublishItem("c") { HttpResponse = new HttpResponseFormat(default) { Headers = [new("X-A", "v\r\nX-B: injected")] } }, "CR, LF or NUL" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_items_are_refused_before_sending(Func<PublishItem> create, string reason)
    {
        var item = create();
        var ex = Assert.ThrowsAny<ArgumentException>(() => GripPublishRequest.Serialize([item]));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1005)]
    [InlineData(5000)]
    public void Close_codes_that_cannot_be_sent_are_refused(int code) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => WebSocketMessageFormat.CloseConnection(code));

    [Fact]
    public void Null_item_is_refused() =>
        Assert.Contains("items[1] is null", Assert.Throws<ArgumentException>(() => GripPublishRequest.Serialize([new PublishItem("c") { WebSocketMessage = WebSocketMessageFormat.FromText("x") }, null!])).Message, StringComparison.Ordinal);
}
