using System.Text;
using Grip.Generators.Tests.Infrastructure;
using Grip.Generators.Tests.Integration;
using Grip.Protocol;
using static Grip.Protocol.WebSocketEventType;

namespace Grip.Generators.Tests.Runtime;

/// <summary>
/// Each line of docs/lifecycle.md, run through code the generator wrote in this project's build.
/// The test names quote the line they prove.
/// </summary>
public sealed class LifecycleTests
{
    private readonly CallLog _log = new();

    private TestServices Services() => new TestServices().Add(_log).Add<IGreeting>(new Greeting());

    [Fact]
    public async Task No_OnOpen_means_the_connection_is_accepted()
    {
        var c = await Dispatch.RunAsync<TextOnlyHandler>(Wire.Batch((Open, null), (Text, "hi")));
        Assert.Equal(["OPEN", "TEXT m:HI"], Wire.Describe(c));
        Assert.False(c.IsRejected);
    }

    [Fact]
    public async Task OnOpen_runs_and_accepts_by_default()
    {
        var c = await Dispatch.RunAsync<LifecycleHandler>(Wire.Batch((Open, null)), Services());
        Assert.Equal(["OPEN"], Wire.Describe(c));
        Assert.Equal(["open conn-1"], _log.Calls);
    }

    [Fact]
    public async Task OnOpen_may_reject_with_a_status_and_body()
    {
        var c = await Dispatch.RunAsync<LifecycleHandler>(Wire.Batch((Open, null), (Text, "later")), Services(), new TestGripRequest(query: "?mode=reject"));
        Assert.True(c.IsRejected);
        Assert.Equal(403, c.Response.RejectStatusCode);
        Assert.Equal("go away", c.Response.RejectBody);
        Assert.Empty(Wire.Describe(c));
        Assert.Equal(["open conn-1"], _log.Calls);
    }

    [Fact]
    public async Task A_handler_that_throws_during_OPEN_rejects_with_500_and_no_exception_text()
    {
        var c = await Dispatch.RunAsync<LifecycleHandler>(Wire.Batch((Open, null), (Text, "later")), Services(), new TestGripRequest(query: "?mode=throw"));
        Assert.Equal(500, c.Response.RejectStatusCode);
        Assert.Null(c.Response.RejectBody);
        Assert.Empty(c.Response.Events.ToArray());
        Assert.DoesNotContain("secret", Encoding.UTF8.GetString(c.Response.Events.Span), StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(Assert.Single(c.Response.Faults));
    }

    [Fact]
    public async Task PING_is_answered_with_PONG_echoing_the_payload_without_user_code()
    {
        var c = await Dispatch.RunAsync<LifecycleHandler>(Wire.Batch((Ping, "abc"), (Ping, null)), Services());
        Assert.Equal(["PONG abc", "PONG"], Wire.Describe(c));
        Assert.Empty(_log.Calls);
    }

    [Fact]
    public async Task A_CLOSE_runs_OnClose_once_and_is_answered_with_a_CLOSE_echoing_the_code()
    {
        var c = await Dispatch.RunAsync<LifecycleHandler>(Wire.Batch((Close, Wire.CloseCode(1001, "away"))), Services());
        Assert.Equal(["CLOSE 1001"], Wire.Describe(c));
        Assert.Equal(["close 1001 away"], _log.Calls);
    }

    [Fact]
    public async Task A_DISCONNECT_runs_OnClose_once_and_sends_nothing()
    {
        var c = await Dispatch.RunAsync<LifecycleHandler>(Wire.Batch((Disconnect, null)), Services());
        Assert.Empty(Wire.Describe(c));
        Assert.Equal(["disconnect"], _log.Calls);
    }

    [Fact]
    public async Task OnClose_runs_exactly_once_even_when_CLOSE_and_DISCONNECT_arrive_together_and_later_events_are_ignored()
    {
        var c = await Dispatch.RunAsync<LifecycleHandler>(
            Wire.Batch((Text, "first"), (Close, Wire.CloseCode(1000)), (Text, "after"), (Disconnect, null)),
            Services());
        Assert.Equal(["text first", "close 1000 "], _log.Calls);
        Assert.Equal(["TEXT m:echo:first", "CLOSE 1000"], Wire.Describe(c));
    }

    [Fact]
    public async Task A_CLOSE_without_a_code_is_echoed_without_one()
    {
        var c = await Dispatch.RunAsync<LifecycleHandler>(Wire.Batch((Close, null)), Services());
        Assert.Equal(["CLOSE"], Wire.Describe(c));
        Assert.Equal(["close  "], _log.Calls);
    }

    [Fact]
    public async Task OnClose_that_throws_is_recorded_and_the_CLOSE_is_still_echoed()
    {
        var c = await Dispatch.RunAsync<LifecycleHandler>(Wire.Batch((Close, Wire.CloseCode(1000, "throw"))), Services());
        Assert.Equal(["CLOSE 1000"], Wire.Describe(c));
        Assert.Single(c.Response.Faults);
    }

    [Fact]
    public async Task A_handler_that_throws_after_OPEN_closes_with_1011_and_a_neutral_reason()
    {
        var c = await Dispatch.RunAsync<LifecycleHandler>(Wire.Batch((Text, "ok"), (Text, "boom"), (Text, "ignored")), Services());
        Assert.Equal(["TEXT m:echo:ok", "CLOSE 1011 Internal server error"], Wire.Describe(c));
        Assert.Equal(["text ok", "text boom"], _log.Calls);
        Assert.Equal("secret detail from message", Assert.Single(c.Response.Faults).Message);
        Assert.DoesNotContain("secret", Encoding.UTF8.GetString(c.Response.Events.Span), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task An_asynchronous_handler_is_awaited_and_its_failure_closes_with_1011(int before)
    {
        var events = Enumerable.Range(0, before - 1).Select(i => (Text, (object?)("m" + i))).Append((Text, "boom")).Append((Text, "after")).ToArray();
        var ok = await Dispatch.RunAsync<AsyncHandler>(Wire.Batch((Text, "x")));
        var failed = await Dispatch.RunAsync<AsyncHandler>(Wire.Batch(events));
        Assert.Equal(["TEXT m:async:x"], Wire.Describe(ok));
        Assert.Equal([.. Enumerable.Range(0, before - 1).Select(i => "TEXT m:async:m" + i), "CLOSE 1011 Internal server error"], Wire.Describe(failed));
        Assert.Equal("async failure", Assert.Single(failed.Response.Faults).Message);
    }

    [Fact]
    public async Task A_failing_connection_does_not_affect_another_one()
    {
        var services = Services();
        var failing = Dispatch.RunAsync<LifecycleHandler>(Wire.Batch((Text, "boom")), services, id: "a");
        var healthy = Dispatch.RunAsync<LifecycleHandler>(Wire.Batch((Text, "fine")), services, id: "b");
        var results = await Task.WhenAll(failing, healthy);
        Assert.Equal(["CLOSE 1011 Internal server error"], Wire.Describe(results[0]));
        Assert.Equal(["TEXT m:echo:fine"], Wire.Describe(results[1]));
        Assert.Empty(results[1].Response.Faults);
    }

    [Fact]
    public async Task A_malformed_batch_runs_no_handler_at_all()
    {
        byte[] bad = Encoding.ASCII.GetBytes("TEXT 5\r\nhi\r\n");
        byte[] batch = [.. Wire.Batch((Text, "first")).ToArray(), .. bad];
        await Assert.ThrowsAsync<WebSocketFormatException>(() => Dispatch.RunAsync<LifecycleHandler>(batch, Services()));
        Assert.Empty(_log.Calls);
    }

    [Fact]
    public async Task Returned_string_is_sent_as_text_and_bytes_as_binary()
    {
        var c = await Dispatch.RunAsync<LifecycleHandler>(Wire.Batch((Text, "a"), (Binary, new byte[] { 0x41 })), Services());
        var events = Wire.Events(c);
        Assert.Equal(Text, events[0].Type);
        Assert.Equal("m:echo:a"u8.ToArray(), events[0].Content);
        Assert.Equal(Binary, events[1].Type);
        Assert.Equal(new byte[] { (byte)'m', (byte)':', 0x41, 0xFF }, events[1].Content);
    }

    [Fact]
    public async Task A_null_reply_sends_nothing_and_a_reply_after_Close_is_dropped()
    {
        var c = await Dispatch.RunAsync<LifecycleHandler>(Wire.Batch((Text, "silent"), (Text, "close")), Services());
        Assert.Equal(["CLOSE 4000 bye"], Wire.Describe(c));
        Assert.Empty(c.Response.Faults);
    }

    [Fact]
    public async Task A_binary_message_without_a_binary_handler_closes_with_1003()
    {
        var c = await Dispatch.RunAsync<TextOnlyHandler>(Wire.Batch((Binary, new byte[] { 1 }), (Text, "ignored")));
        Assert.Equal(["CLOSE 1003 Unsupported message"], Wire.Describe(c));
    }

    [Fact]
    public async Task The_request_CancellationToken_reaches_the_handler()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var c = await Dispatch.RunAsync<TextOnlyHandler>(Wire.Batch((Text, "x")), cancellationToken: cts.Token);
        Assert.Equal(["TEXT m:cancelled"], Wire.Describe(c));
    }

    [Fact]
    public async Task A_cancellation_caused_by_the_request_token_propagates_and_is_not_a_fault()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var connection = new GripConnection("c", new TestGripRequest(), Services());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await DispatchDirect<LifecycleHandler>(connection, Wire.Batch((Text, "cancel")), cts.Token));
        Assert.Empty(connection.Response.Faults);
        Assert.Empty(Wire.Describe(connection));
    }

    [Fact]
    public async Task An_OperationCanceledException_not_caused_by_the_request_token_is_a_fault()
    {
        var c = await Dispatch.RunAsync<LifecycleHandler>(Wire.Batch((Text, "cancel"), (Text, "x")), Services(), cancellationToken: default);
        Assert.Equal(["TEXT m:not cancelled", "TEXT m:echo:x"], Wire.Describe(c));
    }

    private static ValueTask DispatchDirect<T>(GripConnection c, ReadOnlyMemory<byte> batch, CancellationToken ct)
        where T : IGripHandler => T.DispatchAsync(c, batch, ct);

    [Fact]
    public async Task Constructor_and_method_services_come_from_DI_and_optional_ones_may_be_missing()
    {
        var c = await Dispatch.RunAsync<ServicesHandler>(Wire.Batch((Open, null), (Text, "bob")), Services());
        Assert.Equal(["OPEN", "TEXT c:{\"type\":\"set-meta\",\"name\":\"user\",\"value\":\"conn-1\"}", "TEXT c:{\"type\":\"subscribe\",\"channel\":\"room\",\"filters\":[\"skip-self\"]}", "TEXT m:hello bob"], Wire.Describe(c));
        Assert.Equal(["publisher missing"], _log.Calls);
    }

    [Fact]
    public async Task A_keyed_service_comes_from_FromKeyedServices()
    {
        var c = await Dispatch.RunAsync<ServicesHandler>(Wire.Batch((Text, "bob")), Services().AddKeyed<IGreeting>("loud", new LoudGreeting()));
        Assert.Equal(["TEXT m:HELLO BOB"], Wire.Describe(c));
    }

    [Fact]
    public async Task A_missing_required_service_is_a_fault_that_closes_with_1011()
    {
        var c = await Dispatch.RunAsync<ServicesHandler>(Wire.Batch((Text, "bob")), new TestServices());
        Assert.Equal(["CLOSE 1011 Internal server error"], Wire.Describe(c));
        Assert.IsType<InvalidOperationException>(Assert.Single(c.Response.Faults));
    }
}
