using System.Text;
using Grip.Infrastructure;
using Grip.Protocol;

namespace Grip.Abstractions.Tests.Connection;

/// <summary>
/// The response bytes of whole batches run through GripDispatcher with a hand-written invoker
/// (an echo handler): grip-spec §8.5's ping/pong vector and the wire side of the lifecycle.
/// </summary>
public class DispatcherWireTests
{
    [Fact]
    public async Task Pings_are_answered_with_pongs_echoing_the_payload_in_order()
    {
        // pygripcontrol: [PING "ping1", PONG, TEXT "hello", PING "ping2"] -> PONG "ping1", (reply), PONG "ping2".
        string wire = await Run("PING 5\r\nping1\r\nPONG\r\nTEXT 5\r\nhello\r\nPING 5\r\nping2\r\n");
        Assert.Equal("PONG 5\r\nping1\r\nTEXT 7\r\nm:hello\r\nPONG 5\r\nping2\r\n", wire);
    }

    [Fact]
    public async Task Open_is_accepted_and_messages_are_echoed_with_the_prefix()
    {
        Assert.Equal("OPEN\r\n", await Run("OPEN\r\n"));
        Assert.Equal("TEXT c\r\nm:echo:hello\r\nBINARY 5\r\nm:\x00\x01\xff\r\nTEXT 2\r\nm:\r\n", await Run("TEXT a\r\necho:hello\r\nBINARY 3\r\n\x00\x01\xff\r\nTEXT\r\n"));
    }

    [Fact]
    public async Task A_close_is_echoed_with_its_code_and_later_events_are_ignored()
    {
        Assert.Equal("TEXT 4\r\nm:hi\r\nCLOSE 2\r\n\x0f\xa0\r\n", await Run("TEXT 2\r\nhi\r\nCLOSE 5\r\n\x0f\xa0" + "bye\r\nTEXT 3\r\nbye\r\n"));
        Assert.Equal("CLOSE\r\n", await Run("CLOSE\r\n"));
    }

    [Fact]
    public async Task A_throwing_handler_closes_with_1011_and_no_exception_text()
    {
        string wire = await Run("TEXT 5\r\nthrow\r\nTEXT 2\r\nhi\r\n");
        Assert.Equal("CLOSE 17\r\n\x03\xf3" + "Internal server error\r\n", wire);
    }

    [Fact]
    public async Task A_malformed_batch_runs_no_handler_and_writes_nothing()
    {
        using var connection = NewConnection();
        var ex = await Assert.ThrowsAsync<WebSocketFormatException>(() =>
            GripDispatcher.DispatchAsync<EchoHandler, EchoInvoker>(connection, Encoding.Latin1.GetBytes("TEXT 2\r\nhi\r\nTEXT zz\r\n"), default, CancellationToken.None).AsTask());
        Assert.Equal(17, ex.Offset);
        Assert.Equal(0, connection.Response.Events.Length);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(200)]
    public async Task Every_event_of_a_batch_is_dispatched_once_in_order(int count)
    {
        // The validation pass keeps the events it parsed (a pooled array that grows past 16): the
        // dispatch loop runs exactly those, in order.
        var body = new StringBuilder();
        var expected = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            string text = "m" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            body.Append($"TEXT {text.Length:x}\r\n{text}\r\n");
            expected.Append($"TEXT {text.Length + 2:x}\r\nm:{text}\r\n");
        }

        Assert.Equal(expected.ToString(), await Run(body.ToString()));
    }

    [Fact]
    public async Task A_batch_whose_first_event_is_large_and_the_rest_small_still_runs_every_event()
    {
        // The array of parsed events is sized from the first event (body length / its size): here
        // that guess is 16 slots for 300 events, so the array must still grow, keeping the order.
        string large = new('x', 2000);
        var body = new StringBuilder($"TEXT {large.Length:x}\r\n{large}\r\n");
        var expected = new StringBuilder($"TEXT {large.Length + 2:x}\r\nm:{large}\r\n");
        for (int i = 0; i < 299; i++)
        {
            string text = (i % 10).ToString(System.Globalization.CultureInfo.InvariantCulture);
            body.Append($"TEXT 1\r\n{text}\r\n");
            expected.Append($"TEXT 3\r\nm:{text}\r\n");
        }

        Assert.Equal(expected.ToString(), await Run(body.ToString()));
    }

    [Theory]
    [InlineData(50 * 72, 72, 51)]          // a batch of alike events: one array of the right size
    [InlineData(100, 50, 16)]              // two events: the pool's smallest useful array
    [InlineData(1_000_000, 6, 256)]        // a PING first, a huge body: capped
    [InlineData(int.MaxValue, 1, 256)]     // no overflow
    [InlineData(10, 0, 16)]                // never divides by zero
    public void The_first_guess_of_a_batch_size_comes_from_its_first_event(int bodyLength, int firstEventBytes, int expected) =>
        Assert.Equal(expected, GripDispatcher.EstimateEventCount(bodyLength, firstEventBytes));

    [Fact]
    public async Task A_batch_malformed_after_many_good_events_runs_no_handler()
    {
        using var connection = NewConnection();
        string good = string.Concat(Enumerable.Repeat("TEXT 2\r\nhi\r\n", 40));
        await Assert.ThrowsAsync<WebSocketFormatException>(() =>
            GripDispatcher.DispatchAsync<EchoHandler, EchoInvoker>(connection, Encoding.Latin1.GetBytes(good + "TEXT zz\r\n"), default, CancellationToken.None).AsTask());
        Assert.Equal(0, connection.Response.Events.Length);

        // The same connection type dispatches a good batch afterwards (nothing left half-done).
        Assert.Equal(string.Concat(Enumerable.Repeat("TEXT 4\r\nm:hi\r\n", 40)), await Run(good));
    }

    private static async Task<string> Run(string body)
    {
        using var connection = NewConnection();
        await GripDispatcher.DispatchAsync<EchoHandler, EchoInvoker>(connection, Encoding.Latin1.GetBytes(body), default, CancellationToken.None);
        return Encoding.Latin1.GetString(connection.Response.Events.Span);
    }

    private static GripConnection NewConnection() => new("conn-1", new TestGripRequest(), new TestServices());

    public sealed class EchoHandler;

    private readonly struct EchoInvoker : IGripHandlerInvoker<EchoHandler>
    {
        public bool HasOpen => false;

        public bool HasClose => false;

        public ValueTask OnOpenAsync(ref EchoHandler? handler, GripConnection connection, CancellationToken cancellationToken) => default;

        public ValueTask OnMessageAsync(ref EchoHandler? handler, GripConnection connection, GripMessage message, CancellationToken cancellationToken)
        {
            if (message.IsText && message.GetText() == "throw")
            {
                throw new InvalidOperationException("secret detail that must not reach the client");
            }

            if (message.IsText)
            {
                connection.SendUtf8(message.Data.Span);
            }
            else
            {
                connection.SendBinary(message.Data.Span);
            }

            return default;
        }

        public ValueTask OnCloseAsync(ref EchoHandler? handler, GripConnection connection, CloseStatus status, CancellationToken cancellationToken) => default;
    }
}
