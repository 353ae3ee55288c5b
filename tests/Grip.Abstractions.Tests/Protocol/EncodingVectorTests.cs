using System.Buffers;
using System.Text;
using Grip.Protocol;
using static Grip.Abstractions.Tests.Protocol.Segments;

namespace Grip.Abstractions.Tests.Protocol;

/// <summary>grip-spec §8.1 and the exact bytes Pushpin writes (§1.3): lowercase hex, no leading zeros, TYPE\r\n for no content.</summary>
public class EncodingVectorTests
{
    [Fact]
    public void Spec_8_1_text_hello_empty_and_null()
    {
        var buffer = new ArrayBufferWriter<byte>();
        WebSocketEventWriter.WriteEvent(buffer, new WebSocketEvent(WebSocketEventType.Text, "Hello"u8.ToArray()));
        WebSocketEventWriter.WriteEvent(buffer, new WebSocketEvent(WebSocketEventType.Text, ReadOnlyMemory<byte>.Empty));
        WebSocketEventWriter.WriteEvent(buffer, new WebSocketEvent(WebSocketEventType.Text));
        Assert.Equal("TEXT 5\r\nHello\r\nTEXT 0\r\n\r\nTEXT\r\n", Encoding.ASCII.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void Spec_8_1_open()
    {
        var buffer = new ArrayBufferWriter<byte>();
        WebSocketEventWriter.WriteEvent(buffer, WebSocketEventType.Open);
        Assert.Equal("OPEN\r\n", Encoding.ASCII.GetString(buffer.WrittenSpan));
    }

    [Theory]
    [InlineData(10, "TEXT a\r\n")]
    [InlineData(60000, "TEXT ea60\r\n")]
    [InlineData(65536, "TEXT 10000\r\n")]
    [InlineData(0, "TEXT 0\r\n")]
    [InlineData(255, "TEXT ff\r\n")]
    public void Lengths_are_lowercase_hex_without_leading_zeros(int length, string header)
    {
        var buffer = new ArrayBufferWriter<byte>();
        WebSocketEventWriter.WriteEvent(buffer, WebSocketEventType.Text, new byte[length]);
        Assert.Equal(header, Encoding.ASCII.GetString(buffer.WrittenSpan[..header.Length]));
        Assert.Equal(header.Length + length + 2, buffer.WrittenCount);
        Assert.Equal(buffer.WrittenCount, WebSocketEventWriter.GetEncodedLength(WebSocketEventType.Text, length));
        Assert.Equal("\r\n", Encoding.ASCII.GetString(buffer.WrittenSpan[^2..]));
    }

    [Theory]
    [InlineData(WebSocketEventType.Open, "OPEN\r\n")]
    [InlineData(WebSocketEventType.Text, "TEXT\r\n")]
    [InlineData(WebSocketEventType.Binary, "BINARY\r\n")]
    [InlineData(WebSocketEventType.Ping, "PING\r\n")]
    [InlineData(WebSocketEventType.Pong, "PONG\r\n")]
    [InlineData(WebSocketEventType.Close, "CLOSE\r\n")]
    [InlineData(WebSocketEventType.Disconnect, "DISCONNECT\r\n")]
    public void Events_without_content(WebSocketEventType type, string expected)
    {
        var buffer = new ArrayBufferWriter<byte>();
        WebSocketEventWriter.WriteEvent(buffer, type);
        Assert.Equal(expected, Encoding.ASCII.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void Prefix_and_content_are_one_event()
    {
        var buffer = new ArrayBufferWriter<byte>();
        WebSocketEventWriter.WriteEvent(buffer, WebSocketEventType.Text, "m:"u8, "echo:hello"u8);
        WebSocketEventWriter.WriteEvent(buffer, WebSocketEventType.Binary, "m:"u8, [0x00, 0x01, 0xFF]);
        WebSocketEventWriter.WriteEvent(buffer, WebSocketEventType.Text, "m:"u8, ReadOnlySpan<byte>.Empty);

        // grip-spec §8.4: the responses that delivered "echo:hello", binary 00 01 FF and an empty text.
        Assert.Equal(Bytes("TEXT c\r\nm:echo:hello\r\nBINARY 5\r\nm:\x00\x01\xff\r\nTEXT 2\r\nm:\r\n"), buffer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Opaque_events_are_written_as_they_were_read()
    {
        byte[] body = Bytes("FOO 2\r\nxx\r\nBAR\r\n");
        var reader = new WebSocketEventReader(body);
        var buffer = new ArrayBufferWriter<byte>();
        while (reader.Read(out var e))
        {
            WebSocketEventWriter.WriteEvent(buffer, e);
        }

        Assert.Equal(body, buffer.WrittenSpan.ToArray());
    }

    [Fact]
    public void A_default_event_is_refused()
    {
        var buffer = new ArrayBufferWriter<byte>();
        Assert.Throws<ArgumentException>(() => WebSocketEventWriter.WriteEvent(buffer, default(WebSocketEvent)));
        Assert.Equal(0, buffer.WrittenCount);
    }

    [Theory]
    [InlineData(1000, null, "CLOSE 2\r\n\x03\xe8\r\n")]
    [InlineData(4000, "bye", "CLOSE 5\r\n\x0f\xa0" + "bye\r\n")]
    [InlineData(1011, "Internal server error", "CLOSE 17\r\n\x03\xf3" + "Internal server error\r\n")]
    public void Close_writes_code_and_reason(int code, string? reason, string expected)
    {
        var buffer = new ArrayBufferWriter<byte>();
        WebSocketEventWriter.WriteClose(buffer, code, reason);
        Assert.Equal(Bytes(expected), buffer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Close_defaults_to_1000()
    {
        var buffer = new ArrayBufferWriter<byte>();
        WebSocketEventWriter.WriteClose(buffer);
        Assert.Equal(Bytes("CLOSE 2\r\n\x03\xe8\r\n"), buffer.WrittenSpan.ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(999)]
    [InlineData(1004)]
    [InlineData(1005)]
    [InlineData(1006)]
    [InlineData(1015)]
    [InlineData(2000)]
    [InlineData(5000)]
    [InlineData(65535)]
    [InlineData(-1)]
    public void Close_refuses_codes_that_cannot_be_sent(int code)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => WebSocketEventWriter.WriteClose(buffer, code));
        Assert.Contains("RFC 6455", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, buffer.WrittenCount);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(1003)]
    [InlineData(1007)]
    [InlineData(1014)]
    [InlineData(3000)]
    [InlineData(4999)]
    public void Close_accepts_codes_that_can_be_sent(int code)
    {
        var buffer = new ArrayBufferWriter<byte>();
        WebSocketEventWriter.WriteClose(buffer, code);
        var reader = new WebSocketEventReader(buffer.WrittenMemory);
        Assert.True(reader.Read(out var e));
        Assert.Equal(code, e.GetCloseStatus().Code);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(4095)]
    [InlineData(4096)]
    [InlineData(65535)]
    [InlineData(65536)]
    [InlineData(1_000_000)]
    [InlineData(0x0FFF_FFFF)]
    [InlineData(0x1000_0000)]
    public void Encoded_lengths_count_one_hex_digit_per_started_nibble(int length)
    {
        // The digit count is computed, not looped: pin it to the formatted length at every boundary.
        int digits = length.ToString("x", System.Globalization.CultureInfo.InvariantCulture).Length;
        Assert.Equal(4 + 1 + digits + 2 + length + 2, (long)WebSocketEventWriter.GetEncodedLength(WebSocketEventType.Text, length));
    }

    [Fact]
    public void The_room_kept_for_the_closing_CLOSE_is_a_CLOSE_with_the_longest_reason()
    {
        // GripConnection.CloseReserveBytes is a constant for speed; it must stay what it stands for.
        Assert.Equal(GripConnection.CloseReserveBytes, WebSocketEventWriter.GetEncodedLength(WebSocketEventType.Close, 2 + CloseCodes.MaxReasonBytes));
    }

    [Fact]
    public void Close_reason_limit_is_123_utf8_bytes()
    {
        var buffer = new ArrayBufferWriter<byte>();
        WebSocketEventWriter.WriteClose(buffer, 1000, new string('x', 123));
        Assert.Equal(WebSocketEventWriter.GetEncodedLength(WebSocketEventType.Close, 125), buffer.WrittenCount);

        // 62 two-byte characters = 124 bytes: one too many, although only 62 chars.
        Assert.Throws<ArgumentException>(() => WebSocketEventWriter.WriteClose(buffer, 1000, new string('é', 62)));
        Assert.Throws<ArgumentException>(() => WebSocketEventWriter.WriteClose(buffer, 1000, new string('x', 124)));
    }

    [Fact]
    public void Writes_into_small_buffer_segments()
    {
        // A writer that hands out 3-byte spans: content must be copied piecewise, never truncated.
        var writer = new TinyWriter();
        WebSocketEventWriter.WriteEvent(writer, WebSocketEventType.Text, "m:"u8, "hello world"u8);
        Assert.Equal("TEXT d\r\nm:hello world\r\n", Encoding.ASCII.GetString(writer.Written.ToArray()));
    }

    private sealed class TinyWriter : IBufferWriter<byte>
    {
        private byte[] _current = [];

        public List<byte> Written { get; } = [];

        public void Advance(int count) => Written.AddRange(_current.AsSpan(0, count));

        public Memory<byte> GetMemory(int sizeHint = 0) => _current = new byte[Math.Max(sizeHint, 3)];

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
    }
}
