using Grip.Protocol;
using static Grip.Abstractions.Tests.Protocol.Segments;

namespace Grip.Abstractions.Tests.Protocol;

/// <summary>grip-spec §8.2 (reference-library decoding) and §8.3 (bytes Pushpin 1.36 sent), for both readers.</summary>
public class DecodingVectorTests
{
    // Body (C-style escapes written as Latin-1 chars: one char = one byte), then the expected events.
    public static TheoryData<string, string[]> Vectors => new()
    {
        // §8.2
        { "OPEN\r\nTEXT 5\r\nHello\r\nTEXT 0\r\n\r\nCLOSE\r\nTEXT\r\nCLOSE\r\n", ["OPEN[Open](null)", "TEXT[Text](48656C6C6F)", "TEXT[Text]()", "CLOSE[Close](null)", "TEXT[Text](null)", "CLOSE[Close](null)"] },
        { "OPEN\r\n", ["OPEN[Open](null)"] },
        { "TEXT 5\r\nHello\r\n", ["TEXT[Text](48656C6C6F)"] },

        // §8.3
        { "TEXT 5\r\nhello\r\n", ["TEXT[Text](68656C6C6F)"] },
        { "TEXT\r\n", ["TEXT[Text](null)"] },
        { "BINARY 3\r\n\x00\x01\xff\r\n", ["BINARY[Binary](0001FF)"] },
        { "BINARY\r\n", ["BINARY[Binary](null)"] },
        { "PING 8\r\npingdata\r\n", ["PING[Ping](70696E6764617461)"] },
        { "PING\r\n", ["PING[Ping](null)"] },
        { "PONG b\r\nclient-pong\r\n", ["PONG[Pong](636C69656E742D706F6E67)"] },
        { "TEXT a\r\nh\xc3\xa9llo \xe2\x9c\x93\r\n", ["TEXT[Text](68C3A96C6C6F20E29C93)"] },
        { "CLOSE 5\r\n\x0f\xa0" + "bye\r\n", ["CLOSE[Close](0FA0627965)"] },
        { "CLOSE 2\r\n\x03\xe8\r\n", ["CLOSE[Close](03E8)"] },
        { "CLOSE\r\n", ["CLOSE[Close](null)"] },
        { "DISCONNECT\r\n", ["DISCONNECT[Disconnect](null)"] },
        { "", [] },
        { "TEXT 4\r\nmsg2\r\nTEXT 4\r\nmsg3\r\nTEXT 4\r\nmsg4\r\nTEXT 4\r\nmsg5\r\n", ["TEXT[Text](6D736732)", "TEXT[Text](6D736733)", "TEXT[Text](6D736734)", "TEXT[Text](6D736735)"] },

        // Hex either case; unknown types kept as opaque events (js-grip keeps them).
        { "TEXT C\r\nhello world!\r\nTEXT c\r\nhello world!\r\n", ["TEXT[Text](68656C6C6F20776F726C6421)", "TEXT[Text](68656C6C6F20776F726C6421)"] },
        { "TEXT 00005\r\nhello\r\n", ["TEXT[Text](68656C6C6F)"] },
        { "FOO 2\r\nxx\r\nBAR\r\nTEXT 3\r\nm:B\r\n", ["FOO[Unknown](7878)", "BAR[Unknown](null)", "TEXT[Text](6D3A42)"] },

        // Content that contains CRLF and things that look like events.
        { "TEXT b\r\nTEXT 1\r\nx\r\n\r\n", ["TEXT[Text](5445585420310D0A780D0A)"] },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Memory_reader_decodes(string body, string[] expected) =>
        Assert.Equal(expected, DecodeMemory(Bytes(body)));

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Span_reader_decodes(string body, string[] expected) =>
        Assert.Equal(expected, DecodeSpan(Bytes(body)));

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Sequence_reader_decodes(string body, string[] expected) =>
        Assert.Equal(expected, DecodeSequence(Split(Bytes(body))));

    [Fact]
    public void Large_lengths_from_pushpin_decode()
    {
        foreach (int n in new[] { 60000, 65536 })
        {
            byte[] content = Enumerable.Repeat((byte)'x', n).ToArray();
            byte[] body = [.. Bytes($"TEXT {n:x}\r\n"), .. content, .. "\r\n"u8];
            Assert.StartsWith(n == 60000 ? "TEXT ea60\r\n" : "TEXT 10000\r\n", System.Text.Encoding.ASCII.GetString(body), StringComparison.Ordinal);
            var reader = new WebSocketEventReader(body);
            Assert.True(reader.Read(out var e));
            Assert.Equal(n, e.Content.Length);
            Assert.False(reader.Read(out _));
        }
    }

    [Fact]
    public void No_content_and_empty_content_differ()
    {
        var reader = new WebSocketEventReader(Bytes("TEXT\r\nTEXT 0\r\n\r\n"));
        Assert.True(reader.Read(out var none));
        Assert.True(reader.Read(out var empty));
        Assert.False(none.HasContent);
        Assert.True(empty.HasContent);
        Assert.True(none.Content.IsEmpty && empty.Content.IsEmpty);
        Assert.NotEqual(none, empty);
    }

    [Fact]
    public void Decoded_content_is_a_slice_of_the_body_not_a_copy()
    {
        byte[] body = Bytes("OPEN\r\nTEXT 5\r\nhello\r\n");
        var reader = new WebSocketEventReader(body);
        Assert.True(reader.Read(out _));
        Assert.True(reader.Read(out var text));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(text.Content, out var segment));
        Assert.Same(body, segment.Array);
        Assert.Equal(14, segment.Offset);

        var sequenceReader = new WebSocketEventSequenceReader(new System.Buffers.ReadOnlySequence<byte>(body));
        Assert.True(sequenceReader.Read(out _));
        Assert.True(sequenceReader.Read(out var sequenceText));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(sequenceText.Content.First, out var sequenceSegment));
        Assert.Same(body, sequenceSegment.Array);
    }

    [Theory]
    [InlineData("CLOSE 5\r\n\x0f\xa0" + "bye\r\n", 4000, "bye")]
    [InlineData("CLOSE 2\r\n\x03\xe8\r\n", 1000, null)]
    [InlineData("CLOSE 2\r\n\x00\x64\r\n", 100, null)]
    [InlineData("CLOSE\r\n", null, null)]
    [InlineData("CLOSE 1\r\n\x03\r\n", null, null)]
    public void Close_status_is_read_from_both_readers(string body, int? code, string? reason)
    {
        var reader = new WebSocketEventReader(Bytes(body));
        Assert.True(reader.Read(out var e));
        Assert.Equal(new CloseStatus(code, reason, isDisconnect: false), e.GetCloseStatus());

        var split = new WebSocketEventSequenceReader(Bytewise(Bytes(body)));
        Assert.True(split.Read(out var s));
        Assert.Equal(new CloseStatus(code, reason, isDisconnect: false), s.GetCloseStatus());
    }

    [Fact]
    public void Sequence_event_copies_to_an_event()
    {
        var reader = new WebSocketEventSequenceReader(Bytewise(Bytes("FOO 2\r\nxy\r\nTEXT\r\n")));
        Assert.True(reader.Read(out var foo));
        Assert.True(reader.Read(out var text));
        Assert.Equal(WebSocketEvent.CreateUnknown("FOO"u8.ToArray(), "xy"u8.ToArray()), foo.ToEvent());
        Assert.Equal(new WebSocketEvent(WebSocketEventType.Text), text.ToEvent());
        Assert.Equal("xy", foo.GetText());
    }
}
