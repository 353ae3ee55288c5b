using System.Buffers;
using Grip.Protocol;
using static Grip.Abstractions.Tests.Protocol.Segments;

namespace Grip.Abstractions.Tests.Protocol;

/// <summary>Every malformed body is a WebSocketFormatException naming the offset and the reason, from both readers, however it is split.</summary>
public class MalformedInputTests
{
    public static TheoryData<string, long, string> Cases => new()
    {
        // §8.2
        { "TEXT 5", 0, "no CRLF" },
        { "OPEN\r\nTEXT", 6, "no CRLF" },
        { "foobar", 0, "no CRLF" },

        // Length problems.
        { "TEXT zz\r\nm:bad\r\n", 5, "not a hexadecimal digit" },
        { "TEXT 0x5\r\nm:hex\r\n", 6, "not a hexadecimal digit" },
        { "TEXT -5\r\nhello\r\n", 5, "not a hexadecimal digit" },
        { "TEXT 5 \r\nhello\r\n", 6, "not a hexadecimal digit" },
        { "TEXT \r\n\r\n", 5, "empty" },
        { "TEXT 80000000\r\n", 5, "overflows" },
        { "TEXT 123456789\r\n", 5, "overflows" },

        // Content problems.
        { "TEXT 5\r\nhel", 8, "truncated: 5 bytes announced, 3 present" },
        { "TEXT 5\r\nhello", 13, "not followed by CRLF (the body ends)" },
        { "TEXT 5\r\nhello\r", 13, "not followed by CRLF (the body ends)" },
        { "TEXT 5\r\nm:abcXYTEXT 3\r\nm:Z\r\n", 13, "not followed by CRLF" },
        { "TEXT 3\r\nhello\r\n", 11, "not followed by CRLF" },
        { "OPEN\r\nTEXT 5\r\nhello\n\r", 19, "not followed by CRLF" },

        // Type problems.
        { "\r\n", 0, "type is empty" },
        { " 5\r\nhello\r\n", 0, "type is empty" },
        { "TE\x01XT\r\n", 2, "0x01" },
        { "T\xe9XT\r\n", 1, "0xe9" },
        { "TEXT\n5\r\nhello\r\n", 4, "0x0a" },

        // A CR that does not start the CRLF (the line search looks for CR first), and bytes past
        // the first 16 of a line (the short scan hands over to the vectorized search there).
        { "TE\rXT\r\n", 2, "0x0d" },
        { "TEXT 5\r\rhello\r\n", 6, "0x0d, which is not a hexadecimal digit" },
        { "ABCDEFGHIJKLMNOPQRS\x01\r\n", 19, "0x01" },
        { "ABCDEFGHIJKLMNOPQRS 1g\r\n", 21, "not a hexadecimal digit" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Memory_reader_names_offset_and_reason(string body, long offset, string reason)
    {
        var ex = Assert.Throws<WebSocketFormatException>(() => DecodeMemory(Bytes(body)));
        AssertError(ex, offset, reason);
        AssertError(Assert.Throws<WebSocketFormatException>(() => DecodeSpan(Bytes(body))), offset, reason);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Sequence_reader_names_offset_and_reason_however_split(string body, long offset, string reason)
    {
        byte[] bytes = Bytes(body);
        AssertError(Assert.Throws<WebSocketFormatException>(() => DecodeSequence(Split(bytes))), offset, reason);
        AssertError(Assert.Throws<WebSocketFormatException>(() => DecodeSequence(Bytewise(bytes))), offset, reason);
        for (int i = 0; i <= bytes.Length; i++)
        {
            AssertError(Assert.Throws<WebSocketFormatException>(() => DecodeSequence(Split(bytes, i))), offset, reason);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Incremental_reading_reports_the_same_error(string body, long offset, string reason)
    {
        byte[] bytes = Bytes(body);
        for (int i = 0; i <= bytes.Length; i++)
        {
            AssertError(Assert.Throws<WebSocketFormatException>(() => DecodeIncrementally(bytes, [i])), offset, reason);
        }
    }

    [Fact]
    public void A_line_without_crlf_is_refused_after_a_bounded_scan_even_when_more_may_come()
    {
        // A non-final block: without the limit the reader would ask for more data forever.
        byte[] body = [.. Enumerable.Repeat((byte)'A', 300)];
        var ex = Assert.Throws<WebSocketFormatException>(() =>
        {
            var reader = new WebSocketEventSequenceReader(new ReadOnlySequence<byte>(body), isFinalBlock: false);
            reader.TryRead(out _);
        });
        AssertError(ex, 0, "no CRLF within 258 bytes");

        var memoryReader = new WebSocketEventReader(body, isFinalBlock: false);
        AssertError(Assert.Throws<WebSocketFormatException>(() => memoryReader.TryRead(out _)), 0, "no CRLF within 258 bytes");

        // 256 bytes of line plus CRLF is still fine.
        byte[] longest = [.. Enumerable.Repeat((byte)'A', 256), .. "\r\n"u8];
        var ok = new WebSocketEventReader(longest);
        Assert.True(ok.Read(out var e));
        Assert.Equal(256, e.TypeName.Length);
    }

    [Fact]
    public void Errors_count_offsets_from_the_body_offset()
    {
        var reader = new WebSocketEventSequenceReader(new ReadOnlySequence<byte>(Bytes("TEXT zz\r\n")), isFinalBlock: true, bodyOffset: 1000);
        try
        {
            reader.TryRead(out _);
            Assert.Fail("no exception");
        }
        catch (WebSocketFormatException ex)
        {
            Assert.Equal(1005, ex.Offset);
        }

        var memoryReader = new WebSocketEventReader(Bytes("TEXT zz\r\n"), isFinalBlock: true, bodyOffset: 1000);
        Assert.Equal(1005, Assert.Throws<WebSocketFormatException>(() => memoryReader.TryRead(out _)).Offset);
    }

    [Fact]
    public void An_announced_length_bigger_than_the_body_waits_or_fails_but_never_reads_outside()
    {
        byte[] body = Bytes("TEXT 7fffffff\r\nabc");
        var reader = new WebSocketEventReader(body, isFinalBlock: false);
        Assert.Equal(OperationStatus.NeedMoreData, reader.TryRead(out _));
        Assert.Equal(0, reader.Consumed);
        AssertError(Assert.Throws<WebSocketFormatException>(() => DecodeMemory(body)), 15, "truncated: 2147483647 bytes announced, 3 present");
    }

    [Theory]
    [InlineData("TEXT 123456789<script>\r\n")]
    [InlineData("TEXT 5\r\nhello\r\n<script>")]
    [InlineData("TEXT 5<script>\r\nhello\r\n")]
    [InlineData("TEXT 5\r\nhello<script>")]
    public void Reasons_never_echo_input_text(string body)
    {
        // The reason may end up in a 400 response: it names offsets and byte values only.
        var ex = Assert.ThrowsAny<Exception>(() => DecodeMemory(Bytes(body)));
        Assert.IsType<WebSocketFormatException>(ex);
        Assert.DoesNotContain("script", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_on_a_non_final_sequence_reader_is_refused()
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
        {
            var reader = new WebSocketEventSequenceReader(new ReadOnlySequence<byte>(Bytes("OPEN\r\n")), isFinalBlock: false);
            reader.Read(out _);
        });
        Assert.Contains("TryRead", ex.Message, StringComparison.Ordinal);
    }

    private static void AssertError(WebSocketFormatException ex, long offset, string reason)
    {
        Assert.Equal(offset, ex.Offset);
        Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
        Assert.Contains($"at byte {offset}", ex.Message, StringComparison.Ordinal);
    }
}
