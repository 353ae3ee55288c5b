using System.Text;
using Grip.Protocol;

namespace Grip.Abstractions.Tests.Protocol;

/// <summary>
/// <see cref="GripControlMessage.TryParse(ReadOnlySpan{byte}, out GripControlMessage?, out string?)"/>:
/// what the writer writes reads back as the same message, the forms Pushpin 1.36 accepts read as
/// Pushpin reads them, and every form it refuses gets its own error text.
/// </summary>
public class ControlMessageReaderTests
{
    [Theory]
    [MemberData(nameof(ControlMessageTests.Messages), MemberType = typeof(ControlMessageTests))]
    public void What_the_writer_writes_reads_back_as_the_same_message(GripControlMessage written, string json)
    {
        Assert.True(GripControlMessage.TryParse(written.ToJsonUtf8(), out var read, out string? error), error);
        Assert.Equal(written.GetType(), read.GetType());
        Assert.Equal(written.Type, read.Type);
        Assert.Equal(json, Encoding.UTF8.GetString(read.ToJsonUtf8()));

        // The string overload reads the same.
        Assert.True(GripControlMessage.TryParse(json, out var fromString, out _));
        Assert.Equal(json, Encoding.UTF8.GetString(fromString.ToJsonUtf8()));
    }

    [Fact]
    public void Typed_fields_are_read()
    {
        var subscribe = Parse<SubscribeControlMessage>("""{"type":"subscribe","channel":"room","filters":["skip-self","var-subst"]}""");
        Assert.Equal("room", subscribe.Channel);
        Assert.Equal(["skip-self", "var-subst"], subscribe.Filters);

        Assert.Equal("bar", Parse<UnsubscribeControlMessage>("""{"type":"unsubscribe","channel":"bar"}""").Channel);
        Assert.Same(DetachControlMessage.Instance, Parse<DetachControlMessage>("""{"type":"detach"}"""));
        Assert.Same(FlushDelayedControlMessage.Instance, Parse<FlushDelayedControlMessage>("""{"type":"flush-delayed"}"""));
        Assert.Equal("s1", Parse<SessionControlMessage>("""{"type":"session","id":"s1"}""").Id);
        Assert.Null(Parse<SessionControlMessage>("""{"type":"session"}""").Id);

        var setMeta = Parse<SetMetaControlMessage>("""{"type":"set-meta","name":"user","value":"alice"}""");
        Assert.Equal(("user", "alice"), (setMeta.Name, setMeta.Value));
        Assert.Null(Parse<SetMetaControlMessage>("""{"type":"set-meta","name":"user"}""").Value);

        var keepAlive = Parse<KeepAliveControlMessage>("""{"type":"keep-alive","content":"ka!","timeout":3}""");
        Assert.Equal(GripFrameType.Text, keepAlive.Content!.Value.FrameType);
        Assert.Equal("ka!", keepAlive.Content.Value.Text);
        Assert.Equal(3, keepAlive.TimeoutSeconds);
        Assert.Equal(GripKeepAliveMode.Idle, keepAlive.Mode);
        Assert.Null(Parse<KeepAliveControlMessage>("""{"type":"keep-alive"}""").Content);

        var delayed = Parse<SendDelayedControlMessage>("""{"type":"send-delayed","content-bin":"AAE=","message-type":"binary","timeout":30}""");
        Assert.Equal(GripFrameType.Binary, delayed.Content.FrameType);
        Assert.Equal(new byte[] { 0, 1 }, delayed.Content.Bytes.ToArray());
        Assert.Equal(30, delayed.TimeoutSeconds);
    }

    [Fact]
    public void Pushpins_defaults_and_leniencies_are_read_as_pushpin_reads_them()
    {
        // Timeout absent or 0: the default (55 s keep-alive, 1 s send-delayed).
        Assert.Equal(55, Parse<KeepAliveControlMessage>("""{"type":"keep-alive","content":"x"}""").TimeoutSeconds);
        Assert.Equal(55, Parse<KeepAliveControlMessage>("""{"type":"keep-alive","content":"x","timeout":0}""").TimeoutSeconds);
        Assert.Equal(1, Parse<SendDelayedControlMessage>("""{"type":"send-delayed","content":"x"}""").TimeoutSeconds);
        Assert.Equal(1, Parse<SendDelayedControlMessage>("""{"type":"send-delayed","content":"x","timeout":0}""").TimeoutSeconds);

        // content-bin without message-type is a TEXT frame carrying those bytes (grip-spec §2.3 pitfall).
        var textBytes = Parse<KeepAliveControlMessage>("""{"type":"keep-alive","content-bin":"AAE=","timeout":2,"mode":"interval"}""");
        Assert.Equal(GripFrameType.Text, textBytes.Content!.Value.FrameType);
        Assert.Null(textBytes.Content.Value.Text);
        Assert.Equal(new byte[] { 0, 1 }, textBytes.Content.Value.Bytes.ToArray());
        Assert.Equal(GripKeepAliveMode.Interval, textBytes.Mode);
        Assert.Equal(
            """{"type":"keep-alive","content-bin":"AAE=","message-type":"text","timeout":2,"mode":"interval"}""",
            Encoding.UTF8.GetString(textBytes.ToJsonUtf8()));

        // content with message-type binary: the UTF-8 of the text, as a binary frame.
        var binaryText = Parse<SendDelayedControlMessage>("""{"type":"send-delayed","content":"é","message-type":"binary"}""");
        Assert.Equal(GripFrameType.Binary, binaryText.Content.FrameType);
        Assert.Equal("é"u8.ToArray(), binaryText.Content.Bytes.ToArray());

        // No content at all in send-delayed: an empty text message.
        Assert.Equal(string.Empty, Parse<SendDelayedControlMessage>("""{"type":"send-delayed"}""").Content.Text);

        // An unknown mode is idle; unknown fields are ignored; null reads as absent; whitespace does not matter.
        Assert.Equal(GripKeepAliveMode.Idle, Parse<KeepAliveControlMessage>("""{"type":"keep-alive","content":"x","mode":"sometimes"}""").Mode);
        Assert.Equal("c", Parse<SubscribeControlMessage>("""{"channel":"c","type":"subscribe","extra":[1,{"a":2}]}""").Channel);
        Assert.Null(Parse<SetMetaControlMessage>("""{"type":"set-meta","name":"user","value":null}""").Value);
        Assert.Null(Parse<KeepAliveControlMessage>("""{"type":"keep-alive","content":null}""").Content);
        Assert.Empty(Parse<SubscribeControlMessage>("""{"type":"subscribe","channel":"c","filters":null}""").Filters);
        Assert.Equal("c", Parse<SubscribeControlMessage>(" \r\n{ \"type\" : \"subscribe\", \"channel\" : \"c\" }\n ").Channel);

        // What Pushpin accepts and the writer would refuse is read as sent; Validate says what is wrong.
        var unknownFilter = Parse<SubscribeControlMessage>("""{"type":"subscribe","channel":"c","filters":["skip-me"]}""");
        Assert.Equal(["skip-me"], unknownFilter.Filters);
        Assert.Contains("Unknown subscription filter 'skip-me'", Assert.Throws<ArgumentException>(unknownFilter.Validate).Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "", "not valid JSON: line 1, byte 1" },
        { "{\"type\":", "not valid JSON: line 1, byte 9" },
        { "{\"type\":\"detach\"} x", "not valid JSON: text after the value at byte 17" },
        { "{\"type\":\"detach\"}{}", "not valid JSON: text after the value at byte 17" },
        { "[]", "a control message must be a JSON object with a string 'type'" },
        { "\"subscribe\"", "a control message must be a JSON object with a string 'type'" },
        { "{}", "a control message must be a JSON object with a string 'type'" },
        { "{\"type\":1}", "a control message must be a JSON object with a string 'type'" },
        { "{\"type\":null}", "a control message must be a JSON object with a string 'type'" },
        { "{\"type\":\"bogus\"}", "unknown control message type 'bogus'" },
        { "{\"type\":\"close\"}", "unknown control message type 'close'" },
        { "{\"type\":\"Subscribe\",\"channel\":\"c\"}", "unknown control message type 'Subscribe'" },
        { "{\"type\":\"subscribe\"}", "subscribe needs a non-empty 'channel'" },
        { "{\"type\":\"subscribe\",\"channel\":\"\"}", "subscribe needs a non-empty 'channel'" },
        { "{\"type\":\"subscribe\",\"channel\":5}", "subscribe needs a non-empty 'channel'" },
        { "{\"type\":\"subscribe\",\"channel\":\"c\",\"filters\":\"skip-self\"}", "'filters' must be an array of strings" },
        { "{\"type\":\"subscribe\",\"channel\":\"c\",\"filters\":[\"skip-self\",1]}", "'filters' must be an array of strings" },
        { "{\"type\":\"unsubscribe\"}", "unsubscribe needs a non-empty 'channel'" },
        { "{\"type\":\"unsubscribe\",\"channel\":\"\"}", "unsubscribe needs a non-empty 'channel'" },
        { "{\"type\":\"session\",\"id\":7}", "session 'id' must be a string" },
        { "{\"type\":\"set-meta\"}", "set-meta needs a non-empty 'name'" },
        { "{\"type\":\"set-meta\",\"name\":\"\",\"value\":\"x\"}", "set-meta needs a non-empty 'name'" },
        { "{\"type\":\"set-meta\",\"name\":true}", "set-meta needs a non-empty 'name'" },
        { "{\"type\":\"set-meta\",\"name\":\"user\",\"value\":1}", "set-meta 'value' must be a string (absent or null deletes the meta)" },
        { "{\"type\":\"keep-alive\",\"content\":\"x\",\"message-type\":\"close\"}", "unknown message-type 'close'" },
        { "{\"type\":\"keep-alive\",\"content\":\"x\",\"message-type\":2}", "'message-type' must be a string" },
        { "{\"type\":\"keep-alive\",\"content\":5}", "'content' must be a string" },
        { "{\"type\":\"keep-alive\",\"content-bin\":\"not base64!\"}", "'content-bin' is not base64" },
        { "{\"type\":\"keep-alive\",\"content-bin\":[0,1]}", "'content-bin' is not base64" },
        { "{\"type\":\"keep-alive\",\"content\":\"x\",\"timeout\":-1}", "'timeout' must not be negative" },
        { "{\"type\":\"keep-alive\",\"content\":\"x\",\"timeout\":\"5\"}", "'timeout' must be a whole number of seconds" },
        { "{\"type\":\"keep-alive\",\"content\":\"x\",\"timeout\":2.5}", "'timeout' must be a whole number of seconds" },
        { "{\"type\":\"keep-alive\",\"content\":\"x\",\"timeout\":99999999999}", "'timeout' must be a whole number of seconds" },
        { "{\"type\":\"keep-alive\",\"content\":\"x\",\"mode\":1}", "keep-alive 'mode' must be a string" },
        { "{\"type\":\"send-delayed\",\"content\":\"x\",\"timeout\":-3}", "'timeout' must not be negative" },
        { "{\"type\":\"send-delayed\",\"message-type\":\"frame\"}", "unknown message-type 'frame'" },
        { "{\"type\":\"send-delayed\",\"content-bin\":\"%%%\",\"message-type\":\"binary\"}", "'content-bin' is not base64" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Every_form_pushpin_refuses_gets_its_own_error(string json, string expected)
    {
        Assert.False(GripControlMessage.TryParse(Encoding.UTF8.GetBytes(json), out var message, out string? error));
        Assert.Null(message);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Invalid_utf8_is_not_valid_json()
    {
        Assert.False(GripControlMessage.TryParse([(byte)'{', (byte)'"', 0xFF, (byte)'"', (byte)':', (byte)'1', (byte)'}'], out _, out string? error));
        Assert.Equal("not valid JSON: not UTF-8", error);

        // In a value the writer never produces and the reader would otherwise only meet when asked for the string.
        byte[] inChannel = [.. "{\"type\":\"subscribe\",\"channel\":\""u8, 0xC3, 0x28, .. "\"}"u8];
        Assert.False(GripControlMessage.TryParse(inChannel, out _, out error));
        Assert.Equal("not valid JSON: not UTF-8", error);
    }

    private static T Parse<T>(string json)
        where T : GripControlMessage
    {
        Assert.True(GripControlMessage.TryParse(Encoding.UTF8.GetBytes(json), out var message, out string? error), error);
        return Assert.IsType<T>(message);
    }
}
