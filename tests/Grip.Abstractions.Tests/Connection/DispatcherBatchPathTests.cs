using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Grip.Infrastructure;
using Grip.Protocol;

namespace Grip.Abstractions.Tests.Connection;

/// <summary>
/// The dispatcher runs a batch's messages and PINGs in a synchronous loop and hands the rest of
/// the batch to its async loop at the first event that needs it (a handler still running or
/// faulted, OPEN, CLOSE, DISCONNECT, a trace listener). Each hand-over point, with what must come
/// out the same either way: every event once and in order, faults closing with 1011, cancellation
/// surfacing, events after a close ignored.
/// </summary>
public class DispatcherBatchPathTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(19)]
    public async Task A_handler_that_goes_asynchronous_mid_batch_is_awaited_and_the_rest_follows_in_order(int at)
    {
        // 20 messages; the one at `at` yields before answering: the ones after it wait for it.
        var texts = Enumerable.Range(0, 20).Select(i => i == at ? "yield" + i : "m" + i).ToArray();
        var (wire, calls, _) = await Run(texts.Select(Text).ToArray());
        Assert.Equal(texts, calls);
        Assert.Equal(string.Concat(texts.Select(t => Reply(t))), wire);
    }

    [Theory]
    [InlineData("throw")]
    [InlineData("fault")]
    public async Task A_fault_mid_batch_closes_with_1011_after_the_answers_before_it_and_runs_nothing_after(string kind)
    {
        // "throw" throws before returning a task (the synchronous loop catches it); "fault" returns
        // a task that fails later (the async path awaits it).
        var (wire, calls, connection) = await Run(Text("a"), Text("b"), Text(kind), Text("c"), Ping("p"));
        Assert.Equal(["a", "b", kind], calls);
        Assert.Equal(Reply("a") + Reply("b") + "CLOSE 17\r\n\x03\xf3" + "Internal server error\r\n", wire);
        Assert.IsType<InvalidOperationException>(Assert.Single(connection.Response.Faults));
    }

    [Fact]
    public async Task Messages_then_CLOSE_hand_over_to_OnClose_and_the_echo_and_later_events_are_ignored()
    {
        var (wire, calls, _) = await Run(Text("a"), Ping("p"), Text("b"), Close(4000), Text("after"), Ping("q"));
        Assert.Equal(["a", "b", "close 4000"], calls);
        Assert.Equal(Reply("a") + "PONG 1\r\np\r\n" + Reply("b") + "CLOSE 2\r\n\x0f\xa0\r\n", wire);
    }

    [Fact]
    public async Task Messages_then_DISCONNECT_run_OnClose_and_nothing_after()
    {
        var (wire, calls, connection) = await Run(Text("a"), "DISCONNECT\r\n", Text("after"));
        Assert.Equal(["a", "disconnect"], calls);
        Assert.Equal(Reply("a"), wire);
        Assert.True(connection.IsClosing);
    }

    [Fact]
    public async Task OPEN_then_messages_run_OnOpen_first_then_the_messages_in_order()
    {
        var (wire, calls, connection) = await Run("OPEN\r\n", Text("a"), Text("yield-b"), Text("c"));
        Assert.Equal(["open", "a", "yield-b", "c"], calls);
        Assert.Equal("OPEN\r\n" + Reply("a") + Reply("yield-b") + Reply("c"), wire);
        Assert.True(connection.IsOpening);
    }

    [Fact]
    public async Task A_handler_that_closes_stops_the_batch_at_the_next_event()
    {
        var (wire, calls, _) = await Run(Text("a"), Text("close"), Text("b"), Ping("p"));
        Assert.Equal(["a", "close"], calls);
        Assert.Equal(Reply("a") + "CLOSE 2\r\n\x03\xe8\r\n", wire);
    }

    [Theory]
    [InlineData("cancel")]
    [InlineData("yield-cancel")]
    public async Task Cancellation_by_the_request_token_mid_batch_surfaces_and_is_not_a_fault(string kind)
    {
        using var cts = new CancellationTokenSource();
        using var connection = NewConnection();
        var invoker = new RecordingInvoker(new List<string>(), cts);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            GripDispatcher.DispatchAsync<Handler, RecordingInvoker>(connection, Body(Text("a"), Text(kind), Text("b")), invoker, cts.Token).AsTask());
        Assert.Equal(["a", kind], invoker.Calls);
        Assert.Empty(connection.Response.Faults);
        Assert.False(connection.IsClosing);
    }

    [Fact]
    public async Task With_a_trace_listener_the_same_batch_answers_the_same_and_opens_a_span_per_handler_call()
    {
        string[] events = [Text("a"), Ping("p"), Text("yield-b"), Text("throw"), Text("c")];
        var (untraced, untracedCalls, _) = await Run(events);

        var spans = new List<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Grip",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("grip.connection_id") is "batch-path")
                {
                    lock (spans)
                    {
                        spans.Add(activity.OperationName + (activity.Status == ActivityStatusCode.Error ? " error" : string.Empty));
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var (traced, tracedCalls, _) = await Run(events);

        Assert.Equal(untraced, traced);
        Assert.Equal(untracedCalls, tracedCalls);
        Assert.Equal(["grip.handler.message", "grip.handler.message", "grip.handler.message error"], spans);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_handler_slot_is_one_per_batch_filled_at_the_first_instance_call_and_kept_through_every_hand_over(bool traced)
    {
        // "s…" stands for a static method (it leaves the slot alone), "i…" for an instance method
        // (it fills an empty slot); "yield-…" goes asynchronous, so the async loop takes over with
        // the slot the synchronous loop filled. A trace listener sends every event through the async loop.
        using var listener = traced ? ListenToGrip() : null;

        var (instanceCalls, instanceCreated) = await RunSlot(Text("s1"), Text("i1"), Text("yield-i2"), Text("s2"), Text("i3"), Close(1000));
        Assert.Equal(["s1 -", "i1 #1", "yield-i2 #1", "s2 -", "i3 #1", "close #1"], instanceCalls);
        Assert.Equal(1, instanceCreated);

        var (closeCalls, closeCreated) = await RunSlot("OPEN\r\n", Text("s1"), Text("yield-s2"), "DISCONNECT\r\n");
        Assert.Equal(["open -", "s1 -", "yield-s2 -", "disconnect #1"], closeCalls);
        Assert.Equal(1, closeCreated);

        var (staticCalls, staticCreated) = await RunSlot(Text("s1"), Ping("p"), Text("yield-s2"), Text("s3"));
        Assert.Equal(["s1 -", "yield-s2 -", "s3 -"], staticCalls);
        Assert.Equal(0, staticCreated);

        var (singleCalls, singleCreated) = await RunSlot(Text("s-alone"));
        Assert.Equal(["s-alone -"], singleCalls);
        Assert.Equal(0, singleCreated);
    }

    [Theory]
    [MemberData(nameof(Protocol.MalformedInputTests.Cases), MemberType = typeof(Protocol.MalformedInputTests))]
    public async Task A_malformed_batch_is_refused_with_the_readers_offset_and_reason_before_any_handler(string body, long offset, string reason)
    {
        // The dispatcher reads batches with the readers' grammar but its own loop: same errors.
        using var connection = NewConnection();
        var calls = new List<string>();
        var ex = await Assert.ThrowsAsync<WebSocketFormatException>(() =>
            GripDispatcher.DispatchAsync<Handler, RecordingInvoker>(connection, Encoding.Latin1.GetBytes(body), new RecordingInvoker(calls, null), CancellationToken.None).AsTask());
        Assert.Equal(offset, ex.Offset);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.Empty(calls);
        Assert.Equal(0, connection.Response.Events.Length);
    }

    [Fact]
    public async Task Opaque_events_with_long_type_names_and_PONGs_are_skipped_between_messages()
    {
        var (wire, calls, _) = await Run(Text("a"), "X-VENDOR-EXTENSION-EVENT 3\r\nabc\r\n", "PONG\r\n", "FOO\r\n", Text("b"));
        Assert.Equal(["a", "b"], calls);
        Assert.Equal(Reply("a") + Reply("b"), wire);
    }

    [Theory]
    [InlineData("m")] // the synchronous loop runs the whole batch
    [InlineData("yield")] // the async path takes over at the first event
    public void A_dispatched_batch_leaves_no_reference_to_its_body_in_the_pool(string prefix)
    {
        // The parsed events of a batch hold slices of the body and go back to a shared pool: cleared,
        // or the pool would keep every body it has seen reachable.
        var body = DispatchAndDrop(prefix);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(body.IsAlive, "The request body is still reachable after its batch was dispatched.");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference DispatchAndDrop(string prefix)
    {
        byte[] body = Body(Enumerable.Range(0, 50).Select(i => Text(prefix + i)).ToArray());
        using var connection = NewConnection();
        GripDispatcher.DispatchAsync<Handler, RecordingInvoker>(connection, body, new RecordingInvoker([], null), CancellationToken.None)
            .AsTask().GetAwaiter().GetResult();
        return new WeakReference(body);
    }

    private static string Text(string text) => $"TEXT {Encoding.UTF8.GetByteCount(text):x}\r\n{text}\r\n";

    private static string Ping(string payload) => $"PING {payload.Length:x}\r\n{payload}\r\n";

    private static string Close(int code) => $"CLOSE 2\r\n{(char)(code >> 8)}{(char)(code & 0xff)}\r\n";

    private static string Reply(string text) => $"TEXT {text.Length + 2:x}\r\nm:{text}\r\n";

    private static byte[] Body(params string[] events) => Encoding.Latin1.GetBytes(string.Concat(events));

    private static async Task<(string Wire, List<string> Calls, GripConnection Connection)> Run(params string[] events)
    {
        var connection = NewConnection();
        var calls = new List<string>();
        await GripDispatcher.DispatchAsync<Handler, RecordingInvoker>(connection, Body(events), new RecordingInvoker(calls, null), CancellationToken.None);
        return (Encoding.Latin1.GetString(connection.Response.Events.Span), calls, connection);
    }

    private static async Task<(List<string> Calls, int Created)> RunSlot(params string[] events)
    {
        using var connection = NewConnection();
        var calls = new List<string>();
        var created = new StrongBox<int>();
        await GripDispatcher.DispatchAsync<SlotHandler, SlotInvoker>(connection, Body(events), new SlotInvoker(calls, created), CancellationToken.None);
        Assert.Empty(connection.Response.Faults);
        return (calls, created.Value);
    }

    private static ActivityListener ListenToGrip()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Grip",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private static GripConnection NewConnection() => new("batch-path", new TestGripRequest(), new TestServices());

    public sealed class Handler;

    /// <summary>A handler instance numbered in creation order.</summary>
    public sealed class SlotHandler(int serial)
    {
        public int Serial { get; } = serial;
    }

    /// <summary>
    /// Does with the handler slot what a generated invoker does: a static method ("s…" messages)
    /// leaves it alone, an instance method ("i…" messages, OPEN is static, CLOSE/DISCONNECT are instance)
    /// fills an empty one; every call records which instance it saw ("-" for none).
    /// </summary>
    private readonly struct SlotInvoker(List<string> calls, StrongBox<int> created) : IGripHandlerInvoker<SlotHandler>
    {
        public bool HasOpen => true;

        public bool HasClose => true;

        public ValueTask OnOpenAsync(ref SlotHandler? handler, GripConnection connection, CancellationToken cancellationToken)
        {
            calls.Add("open " + Use(ref handler, instance: false));
            return default;
        }

        public ValueTask OnMessageAsync(ref SlotHandler? handler, GripConnection connection, GripMessage message, CancellationToken cancellationToken)
        {
            string text = message.GetText();
            bool yields = text.StartsWith("yield-", StringComparison.Ordinal);
            calls.Add(text + " " + Use(ref handler, (yields ? text["yield-".Length..] : text).StartsWith('i')));
            return yields ? YieldAsync() : default;
        }

        public ValueTask OnCloseAsync(ref SlotHandler? handler, GripConnection connection, CloseStatus status, CancellationToken cancellationToken)
        {
            calls.Add((status.IsDisconnect ? "disconnect " : "close ") + Use(ref handler, instance: true));
            return default;
        }

        private string Use(ref SlotHandler? handler, bool instance)
        {
            if (!instance)
            {
                return "-";
            }

            handler ??= new SlotHandler(++created.Value);
            return "#" + handler.Serial.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        private static async ValueTask YieldAsync() => await Task.Yield();
    }

    /// <summary>
    /// Echoes text and records every call. Message words: <c>yield…</c> answers after a real
    /// asynchronous step; <c>throw</c> throws before returning a task; <c>fault</c> returns a task
    /// that fails later; <c>close</c> closes with 1000; <c>cancel</c>/<c>yield-cancel</c> cancel the
    /// request token and throw for it (synchronously or after yielding).
    /// </summary>
    private readonly struct RecordingInvoker(List<string> calls, CancellationTokenSource? cancel) : IGripHandlerInvoker<Handler>
    {
        public List<string> Calls => calls;

        public bool HasOpen => true;

        public bool HasClose => true;

        public ValueTask OnOpenAsync(ref Handler? handler, GripConnection connection, CancellationToken cancellationToken)
        {
            calls.Add("open");
            return default;
        }

        public ValueTask OnMessageAsync(ref Handler? handler, GripConnection connection, GripMessage message, CancellationToken cancellationToken)
        {
            string text = message.GetText();
            calls.Add(text);
            switch (text)
            {
                case "throw":
                    throw new InvalidOperationException("thrown before returning a task");
                case "fault":
                    return FaultAsync();
                case "close":
                    connection.Close();
                    return default;
                case "cancel":
                    cancel!.Cancel();
                    cancellationToken.ThrowIfCancellationRequested();
                    return default;
                case "yield-cancel":
                    return CancelLaterAsync(cancel!, cancellationToken);
                default:
                    return text.StartsWith("yield", StringComparison.Ordinal) ? EchoLaterAsync(connection, text) : Echo(connection, text);
            }
        }

        public ValueTask OnCloseAsync(ref Handler? handler, GripConnection connection, CloseStatus status, CancellationToken cancellationToken)
        {
            calls.Add(status.IsDisconnect ? "disconnect" : "close " + status.Code);
            return default;
        }

        private static ValueTask Echo(GripConnection connection, string text)
        {
            connection.Send(text);
            return default;
        }

        private static async ValueTask EchoLaterAsync(GripConnection connection, string text)
        {
            await Task.Yield();
            connection.Send(text);
        }

        private static async ValueTask FaultAsync()
        {
            await Task.Yield();
            throw new InvalidOperationException("failed after going asynchronous");
        }

        private static async ValueTask CancelLaterAsync(CancellationTokenSource cancel, CancellationToken cancellationToken)
        {
            await Task.Yield();
            await cancel.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}
