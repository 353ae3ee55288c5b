using System.Text;
using Grip.Generators.Tests.Infrastructure;
using static Grip.Protocol.WebSocketEventType;

namespace Grip.Generators.Tests.Runtime;

/// <summary>
/// docs/lifecycle.md rules 18-20 (issue 14), run through code the generator wrote in this
/// project's build: what the framework itself writes (PONG, CLOSE) always has a defined outcome.
/// </summary>
public sealed class LimitLifecycleTests
{
    [Fact]
    public async Task A_PING_over_125_bytes_closes_with_1002_and_later_events_are_not_dispatched()
    {
        var c = await Dispatch.RunAsync<LimitEchoHandler>(Wire.Batch((Text, "a"), (Ping, new string('p', 126)), (Text, "b")));
        Assert.Equal(["TEXT m:a", "CLOSE 1002 Control frame too large"], Wire.Describe(c));
        Assert.Same(GripFrameworkClose.ControlFrameTooLarge, c.Response.FrameworkClose);
    }

    [Fact]
    public async Task Answers_that_would_pass_the_response_limit_stop_at_an_event_boundary_and_close_with_1009()
    {
        var events = Enumerable.Repeat<(Grip.Protocol.WebSocketEventType, object?)>((Text, "x"), 90_000).ToArray();
        var c = await Dispatch.RunAsync<LimitEchoHandler>(Wire.Batch(events));
        var described = Wire.Describe(c);
        Assert.Equal("CLOSE 1009 Response limit reached", described[^1]);
        Assert.All(described[..^1], d => Assert.Equal("TEXT m:x", d));
        Assert.True(c.Response.Events.Length <= GripLimits.MaxResponseBodyBytes);
        Assert.Empty(c.Response.Faults);
    }

    [Fact]
    public async Task A_handler_that_fills_the_response_and_throws_still_closes_with_1011()
    {
        var c = await Dispatch.RunAsync<LimitEchoHandler>(Wire.Batch((Text, "flood-and-throw")));
        Assert.Equal("CLOSE 1011 Internal server error", Wire.Describe(c)[^1]);
        Assert.IsType<InvalidOperationException>(Assert.Single(c.Response.Faults));
        Assert.True(c.Response.Events.Length <= GripLimits.MaxResponseBodyBytes);
    }

    [Fact]
    public async Task A_close_code_no_endpoint_may_send_is_answered_with_1002()
    {
        var c = await Dispatch.RunAsync<LimitEchoHandler>(Wire.Batch((Close, Wire.CloseCode(1005))));
        Assert.Equal(["CLOSE 1002"], Wire.Describe(c));
        Assert.Equal("\x03\xea", Encoding.Latin1.GetString(Wire.Events(c)[0].Content));
    }
}

/// <summary>An echo whose <c>flood-and-throw</c> message sends until the response is full, then throws.</summary>
public sealed partial class LimitEchoHandler
{
    [OnMessage]
    public static void Message(GripConnection connection, string text)
    {
        if (text != "flood-and-throw")
        {
            connection.Send(text);
            return;
        }

        try
        {
            while (true)
            {
                connection.Send(new string('f', 30_000));
            }
        }
        catch (GripLimitExceededException)
        {
            throw new InvalidOperationException("a bug after the flood");
        }
    }
}
