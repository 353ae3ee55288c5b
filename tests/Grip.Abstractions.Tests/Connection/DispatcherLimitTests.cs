using System.Buffers;
using System.Text;
using Grip.Infrastructure;
using Grip.Protocol;

namespace Grip.Abstractions.Tests.Connection;

/// <summary>
/// Issue 14: well-formed batches that used to end in an unhandled exception (a 500 from the host,
/// and Pushpin drops the client) get a defined answer. The batches are the ones the attack run used.
/// </summary>
public class DispatcherLimitTests
{
    [Fact]
    public async Task A_PING_over_125_bytes_closes_with_1002_after_answering_the_events_before_it()
    {
        // printf 'PING 7e\r\n%0126d\r\n' 0, after a text and a normal ping.
        string body = "TEXT 2\r\nhi\r\nPING 3\r\nabc\r\nPING 7e\r\n" + new string('0', 126) + "\r\nTEXT 5\r\nlater\r\n";
        using var connection = NewConnection();
        await Dispatch(connection, Encoding.Latin1.GetBytes(body));
        Assert.Equal(["TEXT m:hi", "PONG abc", "CLOSE 1002 Control frame too large"], Describe(connection));
        Assert.Same(GripFrameworkClose.ControlFrameTooLarge, connection.Response.FrameworkClose);
        Assert.Empty(connection.Response.Faults);
    }

    [Fact]
    public async Task A_PING_of_exactly_125_bytes_is_still_echoed()
    {
        string payload = new('p', 125);
        using var connection = NewConnection();
        await Dispatch(connection, Encoding.Latin1.GetBytes("PING 7d\r\n" + payload + "\r\n"));
        Assert.Equal(["PONG " + payload], Describe(connection));
        Assert.Null(connection.Response.FrameworkClose);
    }

    [Fact]
    public async Task Ninety_thousand_one_byte_texts_to_an_echo_are_answered_up_to_the_limit_then_closed_with_1009()
    {
        var body = Batch(Enumerable.Repeat<(WebSocketEventType, string?)>((WebSocketEventType.Text, "a"), 90_000));
        using var connection = NewConnection();
        await Dispatch(connection, body);

        var events = Events(connection);
        Assert.True(connection.Response.Events.Length <= GripLimits.MaxResponseBodyBytes);
        var close = events[^1];
        Assert.Equal(WebSocketEventType.Close, close.Type);
        Assert.Equal("\x03\xf1Response limit reached", Encoding.Latin1.GetString(close.Content));
        Assert.All(events[..^1], e => Assert.Equal("m:a", Encoding.Latin1.GetString(e.Content)));

        // Every echo that fits before the room kept for the CLOSE was sent: none was lost silently.
        int echoLength = WebSocketEventWriter.GetEncodedLength(WebSocketEventType.Text, 3);
        Assert.Equal((GripLimits.MaxResponseBodyBytes - GripConnection.CloseReserveBytes) / echoLength, events.Count - 1);
        Assert.Same(GripFrameworkClose.ResponseLimit, connection.Response.FrameworkClose);
        Assert.Empty(connection.Response.Faults);
    }

    [Fact]
    public async Task OPEN_and_90908_PINGs_are_answered_up_to_the_limit_then_closed_with_1009()
    {
        // Each "PING 1\r\nx\r\n" asks for an 11-byte PONG: 90,908 of them are 999,988 bytes of answers.
        var body = Batch([(WebSocketEventType.Open, null), .. Enumerable.Repeat<(WebSocketEventType, string?)>((WebSocketEventType.Ping, "x"), 90_908)]);
        using var connection = NewConnection();
        await Dispatch(connection, body);

        var events = Events(connection);
        Assert.Equal(WebSocketEventType.Open, events[0].Type);
        Assert.StartsWith("c:", Encoding.Latin1.GetString(events[1].Content), StringComparison.Ordinal); // [OnOpen] subscribed
        Assert.Equal(WebSocketEventType.Close, events[^1].Type);
        Assert.Equal(CloseCodes.MessageTooBig, (events[^1].Content[0] << 8) | events[^1].Content[1]);
        Assert.All(events[2..^1], e => Assert.Equal((WebSocketEventType.Pong, "x"), (e.Type, Encoding.Latin1.GetString(e.Content))));
        Assert.True(connection.Response.Events.Length <= GripLimits.MaxResponseBodyBytes);
        Assert.InRange(events.Count - 3, 90_800, 90_907);
    }

    [Fact]
    public async Task A_handler_that_catches_the_limit_exception_is_stopped_at_the_next_event_boundary()
    {
        var body = Batch([(WebSocketEventType.Text, "fill"), (WebSocketEventType.Text, "after")]);
        using var connection = NewConnection();
        await Dispatch(connection, body);
        var events = Describe(connection);
        Assert.Equal("CLOSE 1009 Response limit reached", events[^1]);
        Assert.DoesNotContain("TEXT m:after", events);
        Assert.Empty(connection.Response.Faults);
    }

    [Fact]
    public async Task A_handler_that_throws_after_filling_the_response_still_gets_its_1011_close()
    {
        var body = Batch([(WebSocketEventType.Text, "fill-then-throw")]);
        using var connection = NewConnection();
        await Dispatch(connection, body);
        Assert.Equal("CLOSE 1011 Internal server error", Describe(connection)[^1]);
        Assert.IsType<InvalidOperationException>(Assert.Single(connection.Response.Faults));
        Assert.True(connection.Response.Events.Length <= GripLimits.MaxResponseBodyBytes);
    }

    [Fact]
    public async Task A_CLOSE_after_a_full_response_is_still_echoed()
    {
        // [OnClose] fills the response (and swallows the limit exception); the echo still fits.
        var body = Batch([(WebSocketEventType.Close, "\x03\xe8" + "bye")]);
        using var connection = NewConnection(closeIsEchoed: true);
        await Dispatch(connection, body);
        Assert.Equal("CLOSE 1000", Describe(connection)[^1]);
        Assert.True(connection.Response.Events.Length > GripLimits.MaxResponseBodyBytes - GripConnection.CloseReserveBytes - 33_000);
        Assert.True(connection.Response.Events.Length <= GripLimits.MaxResponseBodyBytes);
    }

    [Theory]
    [InlineData(1005)]
    [InlineData(1006)]
    [InlineData(1015)]
    [InlineData(0)]
    [InlineData(999)]
    [InlineData(5000)]
    public async Task A_close_code_no_endpoint_may_send_is_answered_with_1002(int code)
    {
        using var connection = NewConnection();
        await Dispatch(connection, Batch([(WebSocketEventType.Close, Encoding.Latin1.GetString([(byte)(code >> 8), (byte)code]))]));
        Assert.Equal(["CLOSE 1002"], Describe(connection));
    }

    [Fact]
    public async Task Dispatch_never_throws_for_a_well_formed_batch_of_random_events()
    {
        // A fuzz of the dispatcher itself: random mixes of every event type, sizes around the limits,
        // and a handler that echoes, sends big replies, closes, throws, and swallows exceptions.
        var random = new Random(14);
        int batches = 0;
        long events = 0;
        for (int i = 0; i < 400; i++)
        {
            var (body, count) = RandomBatch(random);
            using var connection = NewConnection(closeIsEchoed: random.Next(2) == 0);
            batches++;
            events += count;
            Exception? thrown = await Record(() => Dispatch(connection, body));
            Assert.True(thrown is null, $"batch {i} ({count} events) threw {thrown}");
            AssertDefinedOutcome(connection);
        }

        Assert.Equal(400, batches);
        Assert.True(events > 100_000, $"only {events} events were dispatched");
    }

    /// <summary>What every batch must leave: a response under the limit that parses, nothing after a close.</summary>
    internal static void AssertDefinedOutcome(GripConnection connection)
    {
        if (connection.IsRejected)
        {
            Assert.InRange(connection.Response.RejectStatusCode!.Value, 400, 599);
            Assert.Equal(0, connection.Response.Events.Length);
            return;
        }

        Assert.True(connection.Response.Events.Length <= GripLimits.MaxResponseBodyBytes, $"{connection.Response.Events.Length} bytes");
        var events = Events(connection);
        int close = events.FindIndex(e => e.Type is WebSocketEventType.Close or WebSocketEventType.Disconnect);
        Assert.True(close < 0 || close == events.Count - 1, "an event follows a CLOSE");
        foreach (var e in events)
        {
            if (e.Type is WebSocketEventType.Ping or WebSocketEventType.Pong or WebSocketEventType.Close)
            {
                Assert.True(e.Content.Length <= 125, $"{e.Type} with {e.Content.Length} bytes");
            }

            if (e.Type == WebSocketEventType.Close && e.Content.Length >= 2)
            {
                Assert.True(CloseCodes.IsValidToSend((e.Content[0] << 8) | e.Content[1]));
            }
        }

        if (connection.Response.FrameworkClose is { } reason)
        {
            Assert.Equal(WebSocketEventType.Close, events[^1].Type);
            Assert.Equal(reason.Code, (events[^1].Content[0] << 8) | events[^1].Content[1]);
        }
    }

    private static (byte[] Body, int Count) RandomBatch(Random random)
    {
        var list = new List<(WebSocketEventType, string?)>();
        if (random.Next(3) == 0)
        {
            list.Add((WebSocketEventType.Open, null));
        }

        // Mostly small batches; some huge ones that cross the response limit.
        int count = random.Next(4) switch
        {
            0 => random.Next(1, 5),
            1 => random.Next(5, 200),
            2 => random.Next(200, 3000),
            _ => random.Next(60_000, 100_000),
        };
        bool huge = count > 50_000;
        for (int i = 0; i < count; i++)
        {
            int kind = random.Next(huge ? 3 : 12);
            list.Add(kind switch
            {
                0 => (WebSocketEventType.Text, RandomText(random, huge ? 3 : 40)),
                1 => (WebSocketEventType.Ping, random.Next(50) == 0 ? new string('x', random.Next(126, 300)) : RandomText(random, random.Next(2) == 0 ? 0 : 125)),
                2 => (WebSocketEventType.Binary, RandomText(random, 10)),
                3 => (WebSocketEventType.Pong, RandomText(random, 10)),
                4 => (WebSocketEventType.Text, "big"),
                5 => (WebSocketEventType.Text, "fill"),
                6 => (WebSocketEventType.Text, "throw"),
                7 => (WebSocketEventType.Text, "close"),
                8 => (WebSocketEventType.Close, random.Next(2) == 0 ? null : Encoding.Latin1.GetString([(byte)random.Next(256), (byte)random.Next(256)]) + RandomText(random, 200)),
                9 => (WebSocketEventType.Disconnect, null),
                10 => (WebSocketEventType.Text, "fill-then-throw"),
                _ => (WebSocketEventType.Text, "subscribe"),
            });
        }

        return (Batch(list), list.Count);
    }

    private static string RandomText(Random random, int max)
    {
        int length = random.Next(max + 1);
        var chars = new char[length];
        for (int i = 0; i < length; i++)
        {
            chars[i] = (char)random.Next(0x20, 0x7f);
        }

        return new string(chars);
    }

    private static async Task<Exception?> Record(Func<Task> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    private static Task Dispatch(GripConnection connection, ReadOnlyMemory<byte> body) =>
        GripDispatcher.DispatchAsync<LimitHandler, LimitInvoker>(connection, body, default, CancellationToken.None).AsTask();

    private static byte[] Batch(IEnumerable<(WebSocketEventType Type, string? Content)> events)
    {
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var (type, content) in events)
        {
            if (content is null)
            {
                WebSocketEventWriter.WriteEvent(buffer, type);
            }
            else
            {
                WebSocketEventWriter.WriteEvent(buffer, type, Encoding.Latin1.GetBytes(content));
            }
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static List<(WebSocketEventType Type, byte[] Content)> Events(GripConnection connection)
    {
        var list = new List<(WebSocketEventType, byte[])>();
        var reader = new WebSocketEventReader(connection.Response.Events);
        while (reader.Read(out var e))
        {
            list.Add((e.Type, e.Content.ToArray()));
        }

        return list;
    }

    private static List<string> Describe(GripConnection connection) =>
        Events(connection).Select(e => e.Type switch
        {
            WebSocketEventType.Close when e.Content.Length >= 2 => $"CLOSE {(e.Content[0] << 8) | e.Content[1]}{(e.Content.Length > 2 ? " " + Encoding.UTF8.GetString(e.Content, 2, e.Content.Length - 2) : string.Empty)}",
            _ when e.Content.Length == 0 => e.Type.ToString().ToUpperInvariant(),
            _ => e.Type.ToString().ToUpperInvariant() + " " + Encoding.Latin1.GetString(e.Content),
        }).ToList();

    private static GripConnection NewConnection(bool closeIsEchoed = false) =>
        new("conn-1", new TestGripRequest(), new TestServices(), closeIsEchoed ? new GripMeta([new("mode", "close-sends")]) : null);

    public sealed class LimitHandler;

    /// <summary>
    /// An echo with commands: <c>big</c> sends a 32,000-byte reply, <c>fill</c> sends until the
    /// response is full and swallows the limit exception, <c>fill-then-throw</c> fills and then throws
    /// something else, <c>throw</c> throws, <c>close</c> closes with 1000, <c>subscribe</c> sends a
    /// control message. With meta <c>mode=close-sends</c>, [OnClose] tries to send too.
    /// </summary>
    private readonly struct LimitInvoker : IGripHandlerInvoker<LimitHandler>
    {
        private static readonly string Big = new('b', 32_000);

        public bool HasOpen => true;

        public bool HasClose => true;

        public ValueTask OnOpenAsync(ref LimitHandler? handler, GripConnection connection, CancellationToken cancellationToken)
        {
            connection.Subscribe("all");
            return default;
        }

        public ValueTask OnMessageAsync(ref LimitHandler? handler, GripConnection connection, GripMessage message, CancellationToken cancellationToken)
        {
            if (!message.IsText)
            {
                connection.SendBinary(message.Data.Span);
                return default;
            }

            switch (message.GetText())
            {
                case "big":
                    connection.Send(Big);
                    break;
                case "fill":
                    Fill(connection);
                    break;
                case "fill-then-throw":
                    Fill(connection);
                    throw new InvalidOperationException("after filling");
                case "throw":
                    throw new InvalidOperationException("secret");
                case "close":
                    connection.Close(CloseCodes.Normal, "bye");
                    break;
                case "subscribe":
                    connection.Subscribe("room");
                    break;
                default:
                    connection.SendUtf8(message.Data.Span);
                    break;
            }

            return default;
        }

        public ValueTask OnCloseAsync(ref LimitHandler? handler, GripConnection connection, CloseStatus status, CancellationToken cancellationToken)
        {
            if (connection.Meta["mode"] == "close-sends" && !connection.IsClosing)
            {
                Fill(connection);
            }

            return default;
        }

        private static void Fill(GripConnection connection)
        {
            try
            {
                while (true)
                {
                    connection.Send(Big);
                }
            }
            catch (GripLimitExceededException)
            {
                // Swallowed on purpose: the dispatcher must still end the batch with a close code.
            }
        }
    }
}
