using System.Buffers;
using Grip.Protocol;

namespace Grip.Abstractions.Tests;

public class SmokeTests
{
    [Fact]
    public void Text_event_round_trips()
    {
        var buffer = new ArrayBufferWriter<byte>();
        WebSocketEventWriter.WriteEvent(buffer, WebSocketEventType.Text, "hello"u8);
        Assert.Equal("TEXT 5\r\nhello\r\n"u8.ToArray(), buffer.WrittenSpan.ToArray());

        var reader = new WebSocketEventReader(buffer.WrittenMemory);
        Assert.True(reader.Read(out var e));
        Assert.Equal(WebSocketEventType.Text, e.Type);
        Assert.Equal("hello", e.GetText());
        Assert.False(reader.Read(out _));
    }
}
