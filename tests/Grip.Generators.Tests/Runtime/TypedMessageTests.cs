using Grip.Generators.Tests.Infrastructure;
using Grip.Generators.Tests.Integration;
using static Grip.Protocol.WebSocketEventType;

namespace Grip.Generators.Tests.Runtime;

/// <summary>Typed messages: routing by discriminator, source-generated JSON, and the bad-input rules.</summary>
public sealed class TypedMessageTests
{
    [Fact]
    public async Task A_typed_message_is_routed_deserialized_and_its_reply_sent_as_JSON()
    {
        var c = await Dispatch.RunAsync<TypedHandler>(Wire.Batch((Text, """{"type":"chat.send","text":"hi"}""")));
        Assert.Equal(["TEXT m:{\"echo\":\"hi\",\"length\":2}"], Wire.Describe(c));
    }

    [Fact]
    public async Task The_discriminator_may_come_after_other_properties_and_nested_values()
    {
        var c = await Dispatch.RunAsync<TypedHandler>(Wire.Batch((Text, """{"text":"x","nested":{"type":"rename"},"list":[1,{"a":2}],"type":"chat.send"}""")));
        Assert.Equal(["TEXT m:{\"echo\":\"x\",\"length\":1}"], Wire.Describe(c));
    }

    [Fact]
    public async Task An_escaped_discriminator_value_still_matches()
    {
        var c = await Dispatch.RunAsync<TypedHandler>(Wire.Batch((Text, """{"type":"chat\u002esend","text":"e"}""")));
        Assert.Equal(["TEXT m:{\"echo\":\"e\",\"length\":1}"], Wire.Describe(c));
    }

    [Fact]
    public async Task An_async_typed_handler_can_use_the_connection()
    {
        var c = await Dispatch.RunAsync<TypedHandler>(Wire.Batch((Text, """{"type":"rename","name":"zed"}""")));
        Assert.Equal(["TEXT m:renamed"], Wire.Describe(c));
        Assert.Equal("zed", c.Meta.Changes["name"]);
    }

    [Theory]
    [InlineData("""{"type":"unknown"}""")]
    [InlineData("""{"text":"no type"}""")]
    [InlineData("""{"type":42}""")]
    [InlineData("[1,2]")]
    [InlineData("\"just a string\"")]
    public async Task An_unmatched_message_without_a_fallback_closes_with_1003(string json)
    {
        var c = await Dispatch.RunAsync<TypedHandler>(Wire.Batch((Text, json)));
        Assert.Equal(["CLOSE 1003 Unsupported message"], Wire.Describe(c));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"type\":")]
    [InlineData("")]
    public async Task Text_that_is_not_JSON_without_a_fallback_closes_with_1007(string text)
    {
        var c = await Dispatch.RunAsync<TypedHandler>(Wire.Batch((Text, text)));
        Assert.Equal(["CLOSE 1007 Invalid message"], Wire.Describe(c));
    }

    [Theory]
    [InlineData("""{"type":"chat.send","text":5}""")]
    [InlineData("""{"type":"chat.send","text":"x"} trailing""")]
    public async Task A_matched_message_that_does_not_deserialize_closes_with_1007(string json)
    {
        var c = await Dispatch.RunAsync<TypedHandler>(Wire.Batch((Text, json), (Text, """{"type":"chat.send","text":"later"}""")));
        Assert.Equal(["CLOSE 1007 Invalid message"], Wire.Describe(c));
        Assert.Empty(c.Response.Faults);
    }

    [Fact]
    public async Task A_typed_class_without_a_binary_handler_closes_binary_with_1003()
    {
        var c = await Dispatch.RunAsync<TypedHandler>(Wire.Batch((Binary, new byte[] { 1, 2 })));
        Assert.Equal(["CLOSE 1003 Unsupported message"], Wire.Describe(c));
    }

    [Theory]
    [InlineData("""{"op":"chat.send","text":"a"}""", "TEXT m:typed:a")]
    [InlineData("""{"op":"raw","x":1}""", "BINARY m:{\"op\":\"raw\",\"x\":1}")]
    [InlineData("""{"op":"other"}""", "TEXT m:fallback:{\"op\":\"other\"}")]
    [InlineData("""{"type":"chat.send","text":"a"}""", "TEXT m:fallback:{\"type\":\"chat.send\",\"text\":\"a\"}")]
    [InlineData("not json", "TEXT m:fallback:not json")]
    public async Task Unmatched_and_non_JSON_text_goes_to_the_untyped_fallback(string text, string expected)
    {
        var c = await Dispatch.RunAsync<TypedWithFallbackHandler>(Wire.Batch((Text, text)));
        Assert.Equal([expected], Wire.Describe(c));
    }

    [Theory]
    [InlineData("""{"op":"chat.send","text":5}""")]
    [InlineData("""{"op":"chat.send","text":"x"} trailing""")]
    public async Task A_matched_message_that_does_not_deserialize_goes_to_the_untyped_fallback(string json)
    {
        var c = await Dispatch.RunAsync<TypedWithFallbackHandler>(Wire.Batch((Text, json), (Text, """{"op":"chat.send","text":"later"}""")));
        Assert.Equal(["TEXT m:fallback:" + json, "TEXT m:typed:later"], Wire.Describe(c));
        Assert.Empty(c.Response.Faults);
    }

    [Fact]
    public async Task An_untyped_JSON_handler_takes_every_text_message_as_its_type()
    {
        var c = await Dispatch.RunAsync<WholeJsonHandler>(Wire.Batch((Text, """{"text":"whole"}"""), (Text, "nope")));
        Assert.Equal(["TEXT m:{\"echo\":\"whole\",\"length\":5}", "CLOSE 1007 Invalid message"], Wire.Describe(c));
    }

    [Fact]
    public async Task JSON_null_for_a_non_nullable_message_closes_with_1007()
    {
        var c = await Dispatch.RunAsync<WholeJsonHandler>(Wire.Batch((Text, "null")));
        Assert.Equal(["CLOSE 1007 Invalid message"], Wire.Describe(c));
    }
}
