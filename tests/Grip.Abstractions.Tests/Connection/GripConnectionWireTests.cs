using System.Text;
using Grip.Protocol;

namespace Grip.Abstractions.Tests.Connection;

/// <summary>The bytes GripConnection puts in the response to the proxy (grip-spec §2.1, §1.7, §8.4, §8.5).</summary>
public sealed class GripConnectionWireTests : IDisposable
{
    private readonly GripConnection _connection = new("conn-1", new TestGripRequest(), new TestServices());

    public void Dispose() => _connection.Dispose();

    private string Wire => Encoding.Latin1.GetString(_connection.Response.Events.Span);

    [Fact]
    public void Messages_carry_the_m_prefix()
    {
        _connection.Send("echo:hello");
        _connection.SendUtf8("apple"u8);
        _connection.Send("banana".AsSpan());
        _connection.SendBinary("cherry"u8);
        _connection.SendBinary([0x00, 0x01, 0xFF]);
        Assert.Equal("TEXT c\r\nm:echo:hello\r\nTEXT 7\r\nm:apple\r\nTEXT 8\r\nm:banana\r\nBINARY 8\r\nm:cherry\r\nBINARY 5\r\nm:\x00\x01\xff\r\n", Wire);
    }

    [Fact]
    public void An_empty_message_is_the_prefix_alone()
    {
        _connection.Send("");
        _connection.SendBinary([]);
        Assert.Equal("TEXT 2\r\nm:\r\nBINARY 2\r\nm:\r\n", Wire);
    }

    [Fact]
    public void Multi_byte_text_length_counts_bytes()
    {
        _connection.Send("héllo ✓");
        Assert.Equal("TEXT c\r\nm:h\xc3\xa9llo \xe2\x9c\x93\r\n", Wire);
    }

    [Theory]
    [InlineData("plain ascii")]
    [InlineData("héllo ✓ 𝄞 日本語")]
    [InlineData("lone \ud800 high and \udc00 low surrogates")]
    [InlineData("\ud83d")]
    public void Text_is_encoded_into_the_response_exactly_as_Encoding_UTF8_encodes_it(string text)
    {
        // Send counts the UTF-8 bytes first and then encodes straight into the response: the
        // count and the bytes must agree, also where invalid UTF-16 becomes U+FFFD.
        _connection.Send(text);
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        byte[] expected = [.. Encoding.Latin1.GetBytes($"TEXT {utf8.Length + 2:x}\r\nm:"), .. utf8, .. "\r\n"u8];
        Assert.Equal(expected, _connection.Response.Events.ToArray());
    }

    [Fact]
    public void Long_text_goes_through_the_pooled_path()
    {
        string text = new('z', 5000);
        _connection.Send(text);
        Assert.Equal($"TEXT 138a\r\nm:{text}\r\n", Wire);
    }

    [Fact]
    public void Json_messages_are_prefixed_text()
    {
        _connection.SendJson(new Point(1, 2), TestJsonContext.Default.Point);
        Assert.Equal("TEXT f\r\nm:{\"X\":1,\"Y\":2}\r\n", Wire);
    }

    [Fact]
    public void Control_messages_carry_the_c_prefix()
    {
        _connection.Subscribe("foo");
        _connection.Unsubscribe("bar");
        _connection.Detach();
        Assert.Equal(
            "TEXT 26\r\nc:{\"type\":\"subscribe\",\"channel\":\"foo\"}\r\n" +
            "TEXT 28\r\nc:{\"type\":\"unsubscribe\",\"channel\":\"bar\"}\r\n" +
            "TEXT 13\r\nc:{\"type\":\"detach\"}\r\n",
            Wire);
    }

    [Fact]
    public void Subscribe_with_skip_self_sets_the_user_meta_first_and_once()
    {
        _connection.Subscribe("room", GripFilters.SkipSelf);
        _connection.Subscribe("lobby", GripFilters.SkipSelf);
        var events = Decode();
        Assert.Equal(
            [
                "c:{\"type\":\"set-meta\",\"name\":\"user\",\"value\":\"conn-1\"}",
                "c:{\"type\":\"subscribe\",\"channel\":\"room\",\"filters\":[\"skip-self\"]}",
                "c:{\"type\":\"subscribe\",\"channel\":\"lobby\",\"filters\":[\"skip-self\"]}",
            ],
            events);
    }

    [Fact]
    public void Other_control_messages()
    {
        _connection.SetSubscriptionMeta("user", "alice");
        _connection.SetSubscriptionMeta("user", null);
        _connection.SetKeepAlive(GripFrameContent.FromText("ka!"), 3);
        _connection.DisableKeepAlive();
        _connection.SetSession("s1");
        _connection.SendDelayed(GripFrameContent.FromText("delayed!"));
        _connection.FlushDelayed();
        Assert.Equal(
            [
                "c:{\"type\":\"set-meta\",\"name\":\"user\",\"value\":\"alice\"}",
                "c:{\"type\":\"set-meta\",\"name\":\"user\"}",
                "c:{\"type\":\"keep-alive\",\"content\":\"ka!\",\"message-type\":\"text\",\"timeout\":3,\"mode\":\"idle\"}",
                "c:{\"type\":\"keep-alive\"}",
                "c:{\"type\":\"session\",\"id\":\"s1\"}",
                "c:{\"type\":\"send-delayed\",\"content\":\"delayed!\",\"message-type\":\"text\",\"timeout\":1}",
                "c:{\"type\":\"flush-delayed\"}",
            ],
            Decode());
    }

    [Fact]
    public void Invalid_control_messages_write_nothing()
    {
        Assert.ThrowsAny<ArgumentException>(() => _connection.Subscribe(""));
        Assert.ThrowsAny<ArgumentException>(() => _connection.Subscribe("room", "no-such-filter"));
        Assert.ThrowsAny<ArgumentException>(() => _connection.SetKeepAlive(GripFrameContent.FromText("x"), 0));
        Assert.Throws<GripLimitExceededException>(() => _connection.Subscribe(new string('x', 20_000)));
        Assert.Equal(0, _connection.Response.Events.Length);
    }

    [Fact]
    public void Ping_and_pong()
    {
        _connection.Ping();
        _connection.Ping("p"u8);
        _connection.Pong("ab"u8);
        Assert.Equal("PING\r\nPING 1\r\np\r\nPONG 2\r\nab\r\n", Wire);
        Assert.Throws<ArgumentException>(() => _connection.Ping(new byte[126]));
    }

    [Fact]
    public void Close_defaults_to_1000_and_ends_the_batch()
    {
        _connection.Close();
        Assert.Equal("CLOSE 2\r\n\x03\xe8\r\n", Wire);
        Assert.True(_connection.IsClosing);
        Assert.Throws<InvalidOperationException>(() => _connection.Send("late"));
        Assert.Throws<InvalidOperationException>(() => _connection.Close());
    }

    [Fact]
    public void Close_with_code_and_reason()
    {
        _connection.Close(4000, "bye");
        Assert.Equal("CLOSE 5\r\n\x0f\xa0" + "bye\r\n", Wire);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(999)]
    [InlineData(1004)]
    [InlineData(1005)]
    [InlineData(1006)]
    [InlineData(1015)]
    [InlineData(5000)]
    public void Close_refuses_invalid_codes(int code)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _connection.Close(code));
        Assert.False(_connection.IsClosing);
        Assert.Equal(0, _connection.Response.Events.Length);
    }

    [Fact]
    public void Close_refuses_reasons_over_123_bytes()
    {
        _connection.Close(1000, new string('x', 123));
        using var other = new GripConnection("c2", new TestGripRequest(), new TestServices());
        Assert.Throws<ArgumentException>(() => other.Close(1000, new string('✓', 42)));
    }

    [Fact]
    public void Disconnect()
    {
        _connection.Disconnect();
        Assert.Equal("DISCONNECT\r\n", Wire);
        Assert.True(_connection.IsClosing);
    }

    [Fact]
    public void A_reply_over_32766_bytes_is_refused_loudly()
    {
        _connection.SendUtf8(new byte[GripLimits.MaxReplyPayloadBytes]);
        var ex = Assert.Throws<GripLimitExceededException>(() => _connection.SendUtf8(new byte[GripLimits.MaxReplyPayloadBytes + 1]));
        Assert.Contains("never delivers", ex.Message, StringComparison.Ordinal);
        Assert.Contains("IGripPublisher", ex.Message, StringComparison.Ordinal);
        Assert.Equal(WebSocketEventWriter.GetEncodedLength(WebSocketEventType.Text, 32_768), _connection.Response.Events.Length);
    }

    [Fact]
    public void Text_replies_are_limited_by_their_utf8_bytes()
    {
        // 32,766 one-byte chars pass; 16,384 three-byte chars (49,152 bytes) do not; a huge string is refused before it is encoded.
        _connection.Send(new string('a', GripLimits.MaxReplyPayloadBytes));
        Assert.Throws<GripLimitExceededException>(() => _connection.Send(new string('✓', 16_384)));
        var ex = Assert.Throws<GripLimitExceededException>(() => _connection.Send(new string('a', 5_000_000)));
        Assert.Contains("at least 5000000 bytes", ex.Message, StringComparison.Ordinal);
        Assert.Equal(WebSocketEventWriter.GetEncodedLength(WebSocketEventType.Text, 32_768), _connection.Response.Events.Length);
    }

    [Fact]
    public void Json_messages_reuse_one_writer_and_stay_separate()
    {
        _connection.SendJson(new Point(1, 2), TestJsonContext.Default.Point);
        _connection.SendJson(new Point(3, 4), TestJsonContext.Default.Point);
        Assert.Equal("TEXT f\r\nm:{\"X\":1,\"Y\":2}\r\nTEXT f\r\nm:{\"X\":3,\"Y\":4}\r\n", Wire);
    }

    [Fact]
    public void A_response_over_1000000_bytes_is_refused_and_keeps_what_was_written()
    {
        int sent = 0;
        void SendUntilRefused()
        {
            while (true)
            {
                _connection.SendUtf8(new byte[30_000]);
                sent++;
            }
        }

        var ex = Assert.Throws<GripLimitExceededException>(SendUntilRefused);
        Assert.Equal(33, sent);
        Assert.Contains("1000000", ex.Message, StringComparison.Ordinal);
        Assert.True(_connection.Response.Events.Length <= GripLimits.MaxResponseBodyBytes);

        // What was accepted is intact.
        var reader = new WebSocketEventReader(_connection.Response.Events);
        int count = 0;
        while (reader.Read(out _))
        {
            count++;
        }

        Assert.Equal(33, count);
    }

    [Fact]
    public void Meta_names_and_values_are_validated()
    {
        _connection.Meta.Set("User", "alice");
        Assert.Equal("alice", _connection.Meta["user"]);
        Assert.Throws<ArgumentException>(() => _connection.Meta.Set("bad name", "x"));
        Assert.Throws<ArgumentException>(() => _connection.Meta.Set("x", "caf\u00e9"));
        Assert.Throws<ArgumentException>(() => _connection.Meta.Set("x", "a\r\nb"));
        Assert.Throws<ArgumentException>(() => _connection.Meta.Set("x", ""));
        Assert.True(_connection.Meta.Remove("user"));
        Assert.Null(_connection.Meta.Changes["User"]);
    }

    [Fact]
    public void Keep_alive_interval_under_20_seconds_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _connection.SetKeepAliveInterval(TimeSpan.FromSeconds(19)));
        _connection.SetKeepAliveInterval(TimeSpan.FromSeconds(20));
        Assert.True(_connection.Response.KeepAliveIntervalChanged);
    }

    [Fact]
    public void Nothing_is_sent_after_dispose()
    {
        _connection.Dispose();
        Assert.Throws<ObjectDisposedException>(() => _connection.Send("x"));
    }

    private List<string> Decode()
    {
        var list = new List<string>();
        var reader = new WebSocketEventReader(_connection.Response.Events);
        while (reader.Read(out var e))
        {
            Assert.Equal(WebSocketEventType.Text, e.Type);
            list.Add(e.GetText());
        }

        return list;
    }
}

public sealed record Point(int X, int Y);

[System.Text.Json.Serialization.JsonSerializable(typeof(Point))]
internal sealed partial class TestJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
