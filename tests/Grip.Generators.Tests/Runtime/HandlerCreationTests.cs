using Grip.Generators.Tests.Infrastructure;
using Grip.Generators.Tests.Integration;
using static Grip.Protocol.WebSocketEventType;

namespace Grip.Generators.Tests.Runtime;

/// <summary>
/// docs/lifecycle.md, "The handler instance": created once per batch, at the first method that needs
/// it (an instance method), and not at all for a batch that runs only static methods. Run through
/// code the generator wrote in this project's build.
/// </summary>
public sealed class HandlerCreationTests
{
    private readonly CallLog _log = new();
    private readonly CreationCounter _counter = new();

    // INotRegistered is deliberately missing: creating StaticPathsHandler throws.
    private TestServices Services() => new TestServices().Add(_log).Add(_counter);

    [Fact]
    public async Task Static_OnOpen_and_OnMessage_run_without_creating_the_handler_whose_constructor_cannot_be_satisfied()
    {
        var c = await Dispatch.RunAsync<StaticPathsHandler>(
            Wire.Batch((Open, null), (Text, "a"), (Ping, "p"), (Binary, new byte[] { 0x41 }), (Text, "b")),
            Services());

        Assert.Empty(c.Response.Faults);
        Assert.False(c.IsRejected);
        Assert.Equal(["OPEN", "TEXT m:static:a", "PONG p", "BINARY m:A\uFFFD", "TEXT m:static:b"], Wire.Describe(c));
        Assert.Equal(["open conn-1", "text a", "text b"], _log.Calls);
    }

    [Fact]
    public async Task Static_OnMessage_alone_in_a_batch_takes_the_synchronous_path_without_creating_the_handler()
    {
        // The dispatcher's fast path (one message, nothing else in the body).
        var c = await Dispatch.RunAsync<StaticPathsHandler>(Wire.Batch((Text, "solo")), Services());
        Assert.Empty(c.Response.Faults);
        Assert.Equal(["TEXT m:static:solo"], Wire.Describe(c));
    }

    [Fact]
    public async Task An_instance_OnClose_creates_the_handler_only_when_CLOSE_comes_and_its_failure_is_an_OnClose_fault()
    {
        var c = await Dispatch.RunAsync<StaticPathsHandler>(
            Wire.Batch((Text, "a"), (Close, Wire.CloseCode(1000, "bye"))),
            Services());

        // The message ran; creating the instance for [OnClose] failed on the missing service: a
        // recorded fault, and the CLOSE is still echoed (docs/lifecycle.md line 12).
        Assert.Equal(["TEXT m:static:a", "CLOSE 1000"], Wire.Describe(c));
        Assert.Equal(["text a"], _log.Calls);
        var fault = Assert.IsType<InvalidOperationException>(Assert.Single(c.Response.Faults));
        Assert.Contains(nameof(INotRegistered), fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_DISCONNECT_reaches_the_instance_OnClose_the_same_way()
    {
        var c = await Dispatch.RunAsync<StaticPathsHandler>(Wire.Batch((Open, null), (Disconnect, null)), Services());
        Assert.Equal(["OPEN"], Wire.Describe(c));
        Assert.Equal(["open conn-1"], _log.Calls);
        Assert.Contains(nameof(INotRegistered), Assert.Single(c.Response.Faults).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_of_static_methods_creates_no_instance()
    {
        var c = await Dispatch.RunAsync<MixedHandler>(Wire.Batch((Open, null), (Text, "a"), (Text, "b")), Services());
        Assert.Equal(["OPEN", "TEXT m:static:a", "TEXT m:static:b"], Wire.Describe(c));
        Assert.Equal(0, _counter.Created);
    }

    [Fact]
    public async Task A_mixed_batch_creates_the_instance_once_at_the_first_instance_method_and_OnClose_uses_it()
    {
        var c = await Dispatch.RunAsync<MixedHandler>(
            Wire.Batch((Open, null), (Text, "a"), (Binary, new byte[] { 0 }), (Text, "b"), (Binary, new byte[] { 0 }), (Close, Wire.CloseCode(1000))),
            Services());

        Assert.Equal(["OPEN", "TEXT m:static:a", "BINARY m:1", "TEXT m:static:b", "BINARY m:1", "CLOSE 1000"], Wire.Describe(c));
        Assert.Equal(1, _counter.Created);
        Assert.Equal(["open", "close by #1"], _log.Calls);
        Assert.Empty(c.Response.Faults);
    }

    [Fact]
    public async Task The_instance_made_before_a_handler_went_asynchronous_serves_the_rest_of_the_batch()
    {
        // The first binary message yields: the dispatcher's async loop takes over the rest of the
        // batch and must keep the instance the synchronous part made.
        var c = await Dispatch.RunAsync<MixedHandler>(
            Wire.Batch((Text, "a"), (Binary, new byte[] { 1 }), (Text, "b"), (Binary, new byte[] { 0 }), (Disconnect, null)),
            Services());

        Assert.Equal(["TEXT m:static:a", "BINARY m:1", "TEXT m:static:b", "BINARY m:1"], Wire.Describe(c));
        Assert.Equal(1, _counter.Created);
        Assert.Equal(["close by #1"], _log.Calls);
    }

    [Fact]
    public async Task Static_methods_then_an_instance_OnClose_create_the_instance_once_for_the_close()
    {
        var c = await Dispatch.RunAsync<MixedHandler>(Wire.Batch((Open, null), (Text, "a"), (Close, Wire.CloseCode(1001))), Services());
        Assert.Equal(["OPEN", "TEXT m:static:a", "CLOSE 1001"], Wire.Describe(c));
        Assert.Equal(1, _counter.Created);
        Assert.Equal(["open", "close by #1"], _log.Calls);
    }

    [Fact]
    public async Task Every_batch_that_needs_an_instance_gets_its_own()
    {
        var first = await Dispatch.RunAsync<MixedHandler>(Wire.Batch((Binary, new byte[] { 0 })), Services());
        var second = await Dispatch.RunAsync<MixedHandler>(Wire.Batch((Text, "x"), (Binary, new byte[] { 1 })), Services());
        Assert.Equal(["BINARY m:1"], Wire.Describe(first));
        Assert.Equal(["TEXT m:static:x", "BINARY m:2"], Wire.Describe(second));
        Assert.Equal(2, _counter.Created);
    }

    [Fact]
    public async Task The_dispatcher_does_not_dispose_a_created_handler_as_before()
    {
        // Unchanged by lazy creation: the instance is made with 'new', not by the container, and
        // nothing disposes it (docs/lifecycle.md: disposable resources belong in scoped services).
        await Dispatch.RunAsync<MixedHandler>(Wire.Batch((Binary, new byte[] { 0 }), (Close, Wire.CloseCode(1000))), Services());
        await Dispatch.RunAsync<MixedHandler>(Wire.Batch((Text, "static only")), Services());
        Assert.Equal(1, _counter.Created);
        Assert.Equal(0, _counter.Disposed);
    }

    [Fact]
    public async Task A_static_typed_route_with_an_instance_fallback_takes_the_instance_a_static_binary_method_does_not()
    {
        var binary = await Dispatch.RunAsync<TypedStaticRouteHandler>(Wire.Batch((Binary, new byte[] { 0x42 })), Services());
        Assert.Equal(["BINARY m:B"], Wire.Describe(binary));
        Assert.Equal(0, _counter.Created);

        // The route may hand an undeserializable message to the instance fallback, so its invoker
        // gets the instance up front (created once, shared with the fallback).
        var typed = await Dispatch.RunAsync<TypedStaticRouteHandler>(
            Wire.Batch((Text, """{"type":"chat.send","text":"hi"}"""), (Text, """{"type":"chat.send","text":5}"""), (Text, "plain")),
            Services());
        Assert.Equal(["TEXT m:typed:hi", """TEXT m:fallback #1:{"type":"chat.send","text":5}""", "TEXT m:fallback #1:plain"], Wire.Describe(typed));
        Assert.Equal(1, _counter.Created);
    }
}
