using System.Text;
using System.Text.Json;
using Grip.Protocol;

namespace Grip.Abstractions.Tests.Protocol;

/// <summary>Exact JSON of the eight control messages of Pushpin 1.36 (grip-spec §2.3, §8.5), and what is refused.</summary>
public class ControlMessageTests
{
    public static TheoryData<GripControlMessage, string> Messages => new()
    {
        // §8.5 and the control messages observed working against Pushpin (§2.3).
        { new SubscribeControlMessage("foo"), """{"type":"subscribe","channel":"foo"}""" },
        { new SubscribeControlMessage("test"), """{"type":"subscribe","channel":"test"}""" },
        { new SubscribeControlMessage("room", [GripFilters.SkipSelf]), """{"type":"subscribe","channel":"room","filters":["skip-self"]}""" },
        { new SubscribeControlMessage("room", [GripFilters.SkipUsers, GripFilters.RequireSub, GripFilters.BuildId, GripFilters.VarSubst]), """{"type":"subscribe","channel":"room","filters":["skip-users","require-sub","build-id","var-subst"]}""" },
        { new UnsubscribeControlMessage("bar"), """{"type":"unsubscribe","channel":"bar"}""" },
        { DetachControlMessage.Instance, """{"type":"detach"}""" },
        { new SessionControlMessage("s1"), """{"type":"session","id":"s1"}""" },
        { new SessionControlMessage(null), """{"type":"session"}""" },
        { new SetMetaControlMessage("user", "alice"), """{"type":"set-meta","name":"user","value":"alice"}""" },
        { new SetMetaControlMessage("user", null), """{"type":"set-meta","name":"user"}""" },
        { new KeepAliveControlMessage(GripFrameContent.FromText("ka!"), 3), """{"type":"keep-alive","content":"ka!","message-type":"text","timeout":3,"mode":"idle"}""" },
        { new KeepAliveControlMessage(GripFrameContent.FromBinary(new byte[] { 0, 1 }), 2, GripKeepAliveMode.Interval), """{"type":"keep-alive","content-bin":"AAE=","message-type":"binary","timeout":2,"mode":"interval"}""" },
        { new KeepAliveControlMessage(GripFrameContent.Ping()), """{"type":"keep-alive","content-bin":"","message-type":"ping","timeout":55,"mode":"idle"}""" },
        { new KeepAliveControlMessage(GripFrameContent.Pong("p"u8.ToArray()), 20), """{"type":"keep-alive","content-bin":"cA==","message-type":"pong","timeout":20,"mode":"idle"}""" },
        { KeepAliveControlMessage.Disable(), """{"type":"keep-alive"}""" },
        { new SendDelayedControlMessage(GripFrameContent.FromText("delayed!")), """{"type":"send-delayed","content":"delayed!","message-type":"text","timeout":1}""" },
        { new SendDelayedControlMessage(GripFrameContent.FromBinary(new byte[] { 0xFF }), 30), """{"type":"send-delayed","content-bin":"/w==","message-type":"binary","timeout":30}""" },
        { FlushDelayedControlMessage.Instance, """{"type":"flush-delayed"}""" },

        // Non-ASCII stays UTF-8 (smaller than \u escapes); quotes and control characters are escaped.
        { new SubscribeControlMessage("café ✓"), "{\"type\":\"subscribe\",\"channel\":\"café ✓\"}" },
        { new SetMetaControlMessage("note", "say \"hi\"\n"), """{"type":"set-meta","name":"note","value":"say \"hi\"\n"}""" },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void Writes_exact_json(GripControlMessage message, string json)
    {
        Assert.Equal(json, Encoding.UTF8.GetString(message.ToJsonUtf8()));

        // And it is one JSON object whose type is the message's.
        using var doc = JsonDocument.Parse(message.ToJsonUtf8());
        Assert.Equal(message.Type, doc.RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public void Binary_content_always_carries_message_type()
    {
        // Pushpin defaults message-type to text even for content-bin (grip-spec §2.3 pitfall).
        foreach (var content in new[] { GripFrameContent.FromBinary(new byte[] { 1 }), GripFrameContent.Ping(new byte[] { 1 }), GripFrameContent.Pong() })
        {
            using var ka = JsonDocument.Parse(new KeepAliveControlMessage(content).ToJsonUtf8());
            Assert.True(ka.RootElement.TryGetProperty("message-type", out _));
            using var sd = JsonDocument.Parse(new SendDelayedControlMessage(content).ToJsonUtf8());
            Assert.True(sd.RootElement.TryGetProperty("message-type", out _));
        }
    }

    public static TheoryData<Func<GripControlMessage>, string> Invalid => new()
    {
        { () => new SubscribeControlMessage(""), "must not be empty" },
        { () => new SubscribeControlMessage("a\nb"), "control characters" },
        { () => new SubscribeControlMessage("room", ["skip-me"]), "Unknown subscription filter 'skip-me'" },
        { () => new SubscribeControlMessage("room", [null!]), "Unknown subscription filter" },
        { () => new UnsubscribeControlMessage(""), "must not be empty" },
        { () => new SetMetaControlMessage("", "x"), "must not be empty" },
        { () => new KeepAliveControlMessage(GripFrameContent.FromText("x"), 0), "at least 1 second" },
        { () => new KeepAliveControlMessage(GripFrameContent.FromText("x"), -5), "at least 1 second" },
        { () => new KeepAliveControlMessage(GripFrameContent.FromText("x"), 5, (GripKeepAliveMode)7), "Unknown keep-alive mode" },
        { () => new KeepAliveControlMessage(default(GripFrameContent)), "FromText" },
        { () => new KeepAliveControlMessage(GripFrameContent.Ping(new byte[126])), "at most 125 bytes" },
        { () => new SendDelayedControlMessage(GripFrameContent.FromText("x"), 0), "at least 1 second" },
        { () => new SendDelayedControlMessage(GripFrameContent.Pong(new byte[200])), "at most 125 bytes" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_messages_never_reach_the_wire(Func<GripControlMessage> create, string reason)
    {
        var message = create();
        var ex = Assert.ThrowsAny<ArgumentException>(() => message.ToJsonUtf8());
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_over_16384_bytes_with_its_prefix_is_refused()
    {
        // {"type":"subscribe","channel":"…"} is 33 bytes plus the channel; with "c:" the limit is 16,384.
        string fits = new('x', GripControlMessage.MaxJsonLength - 33);
        Assert.Equal(GripControlMessage.MaxJsonLength, new SubscribeControlMessage(fits).ToJsonUtf8().Length);

        var ex = Assert.Throws<GripLimitExceededException>(() => new SubscribeControlMessage(fits + "x").ToJsonUtf8());
        Assert.Contains("16385 bytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("silently ignores", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_limit_counts_escaped_bytes_not_characters()
    {
        // Each quote becomes two bytes in JSON.
        string quotes = new('"', 8200);
        Assert.Throws<GripLimitExceededException>(() => new SetMetaControlMessage("n", quotes).ToJsonUtf8());
    }

    [Fact]
    public void Filter_names_are_the_ones_pushpin_1_36_knows()
    {
        Assert.True(GripFilters.IsKnown("skip-self"));
        Assert.True(GripFilters.IsKnown("var-subst"));
        Assert.False(GripFilters.IsKnown("Skip-Self"));
        Assert.False(GripFilters.IsKnown(""));
    }
}
